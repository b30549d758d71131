import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

/** `i18n` in quorum.config.json: issue 19's rules (defaultLocale or one `isDefault` entry, `en` otherwise). */
describe('i18n configuration', () => {
  const appDir = mkdtempSync(path.join(tmpdir(), 'quorum-i18n-config-'));
  afterAll(() => rmSync(appDir, { recursive: true, force: true }));
  const load = (i18n?: unknown) => {
    writeFileSync(
      path.join(appDir, 'quorum.config.json'),
      JSON.stringify(i18n === undefined ? {} : { i18n }),
    );
    return loadConfig({ appDir, env: {} }).i18n;
  };

  it('defaults to en "English (en)", as Strapi\'s first boot', () => {
    expect(load()).toEqual({ defaultLocale: 'en', locales: [{ code: 'en', name: 'English (en)' }] });
  });

  it('takes the default from isDefault or defaultLocale, and both when they agree', () => {
    const locales = [
      { code: 'en', name: 'English (en)' },
      { code: 'fr', name: 'French (fr)', isDefault: true },
    ];
    expect(load({ locales }).defaultLocale).toBe('fr');
    expect(load({ locales, defaultLocale: 'fr' }).defaultLocale).toBe('fr');
    expect(load({ locales: [{ code: 'fr' }], defaultLocale: 'de' }).locales).toEqual([
      { code: 'de' },
      { code: 'fr' },
    ]);
  });

  it('refuses contradictions, duplicates and malformed codes with a clear error', () => {
    const both = { locales: [{ code: 'fr', isDefault: true }], defaultLocale: 'en' };
    expect(() => load(both)).toThrow(ConfigError);
    expect(() => load(both)).toThrow(/defaultLocale is "en" but the locale marked "isDefault" is "fr"/);
    expect(() =>
      load({
        locales: [
          { code: 'fr', isDefault: true },
          { code: 'de', isDefault: true },
        ],
      }),
    ).toThrow(/only one locale/);
    expect(() => load({ locales: [{ code: 'fr' }, { code: 'fr' }] })).toThrow(/listed twice/);
    expect(() => load({ locales: [{ code: 'fr_FR' }] })).toThrow(ConfigError);
    expect(() => load({ locales: [{ code: 'fr', label: 'x' }] })).toThrow(ConfigError);
  });
});
