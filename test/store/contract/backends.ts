/**
 * What the contract tests share: each runs its cases on both backends, the embedded store (real
 * lowdb files in a temporary folder) and Redis (a real redis-server of the test file's own). The
 * records they write are test/helpers/records.ts.
 */
import type { ConversationStore } from '../../../src/store/types';
import { storesForFile } from '../../helpers/stores';

/** The backends to run a contract on, as `describe.each` takes them: a name and a new, empty store. */
export function backends(): (readonly [string, () => Promise<ConversationStore>])[] {
  const stores = storesForFile();
  return [
    ['lowdb', async () => stores.lowdb()],
    ['redis', async () => stores.redis()],
  ];
}
