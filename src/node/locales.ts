import { LocaleStore } from '../core/locales/store.js';
import type { CoreContext } from '../core/context.js';

/**
 * The locale store. The configured locales were seeded by openDatabase, under the schema lock and
 * before the content tables changed (once, however many nodes start together; see seedLocales for what
 * configuration changes and what it leaves alone).
 */
export function buildLocales(core: CoreContext): LocaleStore {
  return new LocaleStore(core.database, () => core.schema());
}
