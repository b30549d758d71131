import { NavLink, ScrollArea } from '@mantine/core';
import { NavLink as RouterLink, useLocation } from 'react-router';

/** The sidebar. Only screens that exist are listed. */
export function Navigation() {
  const { pathname } = useLocation();
  const link = (to: string, label: string) => (
    <NavLink
      key={to}
      component={RouterLink}
      to={to}
      label={label}
      active={pathname === to || pathname.startsWith(`${to}/`)}
    />
  );
  return <ScrollArea>{link('/', 'Home')}</ScrollArea>;
}
