/**
 * The missed-questions log on Redis, shared by every instance on the same Redis: the entries of
 * src/review/missed.ts (masked fallback and low-confidence turns) in the list `jianli:missed`,
 * the operator's decisions in `jianli:missed-reviewed`. `jianli review` reads them wherever it
 * runs, so a question missed on one instance is reviewed from any. The log keeps the newest
 * MISSED_KEPT entries (the file log grows without bound; a shared list should not).
 *
 * openMissedLog picks the log a deployment uses: this one when JIANLI_STORE names Redis, the
 * data folder's files otherwise.
 */
import type { Redis } from 'ioredis';
import { MissedLog, missedEntry, type MissedQuestion, type ReviewDecision } from '../review/missed';
import type { TurnObserver } from '../service/chat';
import type { StoreSettings } from '../store/open';
import { connectShared, isRedisUrl, SHARED_PREFIX, whenReady } from './redis';

/** Entries kept in the shared list (the oldest go first). */
export const MISSED_KEPT = 100_000;

/** Either log, as `jianli review` and the server use it. */
export interface MissedQuestionLog {
  observer(): TurnObserver;
  missed(): Promise<MissedQuestion[]>;
  decisions(): Promise<ReviewDecision[]>;
  decide(decision: ReviewDecision): Promise<void>;
  /** Where it is kept, for messages. */
  readonly where: string;
  close(): Promise<void>;
}

export class RedisMissedLog implements MissedQuestionLog {
  private readonly missedKey: string;
  private readonly reviewedKey: string;

  /** `client` stays the caller's: close() does not disconnect it. */
  constructor(
    private readonly client: Redis,
    prefix = SHARED_PREFIX,
  ) {
    this.missedKey = `${prefix}missed`;
    this.reviewedKey = `${prefix}missed-reviewed`;
  }

  get where(): string {
    return `Redis list ${this.missedKey}`;
  }

  /** Appends each missed turn; a failure reaches the chat service, which logs it (the user still gets the answer). */
  observer(): TurnObserver {
    return async ({ req, record }) => {
      const entry = missedEntry(req, record);
      if (!entry) return;
      await this.client.multi().rpush(this.missedKey, JSON.stringify(entry)).ltrim(this.missedKey, -MISSED_KEPT, -1).exec();
    };
  }

  async missed(): Promise<MissedQuestion[]> {
    return parseAll<MissedQuestion>(await this.client.lrange(this.missedKey, 0, -1));
  }

  async decisions(): Promise<ReviewDecision[]> {
    return parseAll<ReviewDecision>(await this.client.lrange(this.reviewedKey, 0, -1));
  }

  async decide(decision: ReviewDecision): Promise<void> {
    await this.client.rpush(this.reviewedKey, JSON.stringify(decision));
  }

  async close(): Promise<void> {}
}

function parseAll<T>(lines: string[]): T[] {
  return lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as T];
    } catch {
      return [];
    }
  });
}

/** The data folder's files behind the same interface. */
class FileMissedLog implements MissedQuestionLog {
  constructor(private readonly log: MissedLog) {}
  get where(): string {
    return this.log.missedPath;
  }
  observer(): TurnObserver {
    return this.log.observer();
  }
  async missed(): Promise<MissedQuestion[]> {
    return this.log.missed();
  }
  async decisions(): Promise<ReviewDecision[]> {
    return this.log.decisions();
  }
  async decide(decision: ReviewDecision): Promise<void> {
    this.log.decide(decision);
  }
  async close(): Promise<void> {}
}

/**
 * The missed-questions log of a deployment, for `jianli review`: on Redis (its own connection,
 * closed by close(); fails with one line when Redis cannot be reached) or in the data folder.
 */
export async function openMissedLog(settings: StoreSettings): Promise<MissedQuestionLog> {
  if (!isRedisUrl(settings.store)) return new FileMissedLog(new MissedLog(settings.dataDir));
  const client = connectShared(settings.store, 'review');
  try {
    await whenReady(client, settings.store);
  } catch (err) {
    client.disconnect();
    throw err;
  }
  const log = new RedisMissedLog(client);
  return Object.assign(log, {
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  });
}

/** The server's log: on the shared connection when there is one, else the data folder's files. */
export function missedLogFor(dataDir: string, shared: Redis | undefined): MissedQuestionLog {
  return shared ? new RedisMissedLog(shared) : new FileMissedLog(new MissedLog(dataDir));
}
