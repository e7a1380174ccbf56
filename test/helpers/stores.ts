/**
 * Temporary stores for one test file: lowdb stores in their own folders and Redis stores on a
 * redis-server of the file's own, all closed and removed after the file's last test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { LowdbStore } from '../../src/store/lowdb';
import { RedisStore } from '../../src/store/redis';
import type { ConversationStore } from '../../src/store/types';
import { TestRedis } from './redis';

export function storesForFile(folderPrefix = 'jianli-store-') {
  let redis: TestRedis | undefined;
  const dirs = new Map<LowdbStore, string>();
  const opened: ConversationStore[] = [];
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(async () => {
    for (const s of opened) await s.close();
    await redis?.down();
    for (const d of dirs.values()) rmSync(d, { recursive: true, force: true });
  });
  return {
    /** A lowdb store in a new folder. */
    lowdb(): LowdbStore {
      const dir = mkdtempSync(join(tmpdir(), folderPrefix));
      const s = new LowdbStore(dir);
      dirs.set(s, dir);
      opened.push(s);
      return s;
    },
    /** The folder of a store made by lowdb(). */
    dir(store: LowdbStore): string {
      return dirs.get(store)!;
    },
    /** A Redis store on the file's redis-server, under its own key prefix, connected. */
    async redis(prefix = `t${Math.random().toString(36).slice(2)}:`): Promise<RedisStore> {
      const s = new RedisStore(redis!.url, { prefix });
      opened.push(s);
      await s.conversations.ready();
      return s;
    },
    /** Closes a store made elsewhere with the others. */
    track<S extends ConversationStore>(store: S): S {
      opened.push(store);
      return store;
    },
  };
}
