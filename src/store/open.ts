/** Opens the store a deployment names: JIANLI_STORE=redis://… for Redis, else lowdb in JIANLI_DATA. */
import { join } from 'node:path';
import { LowdbStore } from './lowdb';
import { RedisStore } from './redis';
import type { ConversationStore } from './types';

export interface StoreSettings {
  store?: string;
  dataDir: string;
  retentionDays?: number;
  /** lowdb: each turn is on disk (fsync) before it is answered (JIANLI_FSYNC=1). */
  fsync?: boolean;
}

export function storeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreSettings {
  const days = env.JIANLI_RETENTION_DAYS ? Number(env.JIANLI_RETENTION_DAYS) : undefined;
  if (days !== undefined && !(days > 0)) throw new Error(`JIANLI_RETENTION_DAYS must be a positive number of days, got ${env.JIANLI_RETENTION_DAYS}`);
  const fsync = env.JIANLI_FSYNC?.trim() ?? '';
  if (!['', '0', '1'].includes(fsync)) throw new Error(`JIANLI_FSYNC must be 1 (sync each turn to disk before answering) or 0, got ${env.JIANLI_FSYNC}`);
  return { store: env.JIANLI_STORE || undefined, dataDir: env.JIANLI_DATA ?? join(process.cwd(), 'data'), retentionDays: days, fsync: fsync === '1' };
}

export function openStore(s: StoreSettings): ConversationStore {
  if (s.store && /^rediss?:\/\//.test(s.store)) return new RedisStore(s.store, { retentionDays: s.retentionDays });
  if (s.store && s.store !== 'lowdb') throw new Error(`JIANLI_STORE must be redis://host:port or lowdb, got ${s.store}`);
  return new LowdbStore(s.dataDir, { fsync: s.fsync });
}
