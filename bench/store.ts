/**
 * Turn cost against the number of stored conversations, for the lowdb and the Redis store: the
 * stores are filled with N conversations, then turns run through the chat service (load state,
 * answer, store the masked turn) on fresh and on existing conversations.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Assistant } from '../src/engine/assistant';
import { newConversationState } from '../src/engine/types';
import { AssistantChatService } from '../src/service/chat';
import { LowdbStore } from '../src/store/lowdb';
import { RedisStore } from '../src/store/redis';
import type { ConversationStore } from '../src/store/types';
import { TestRedis } from '../test/helpers/redis';

export interface StoreBenchRow {
  store: 'lowdb' | 'redis';
  stored: number;
  turns: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  turnsPerSecond: number;
}

const MESSAGES = ['注销需要什么材料', '照片有什么要求', '审批要多久', '帮我看看我能不能注销', '江苏', '1', '没有', '没有', '没有', '修满了', '愿意', '有'];

function filler(i: number) {
  const state = { ...newConversationState(), turns: 3 };
  const turn = { at: new Date().toISOString(), channel: 'bench', text: `你好${i}`, intent: 'chitchat.greeting', confidence: 1, replies: [{ text: '您好' }] };
  return { state, turn };
}

/** Writes N conversations straight into the lowdb layout (faster than through lowdb one by one). */
function fillLowdb(dir: string, n: number): void {
  mkdirSync(join(dir, 'conversations'), { recursive: true });
  mkdirSync(join(dir, 'transcripts'), { recursive: true });
  for (let i = 0; i < n; i++) {
    const { state, turn } = filler(i);
    writeFileSync(join(dir, 'conversations', `fill-${i}.json`), JSON.stringify({ conversationId: `fill-${i}`, state, updatedAt: turn.at }));
    writeFileSync(join(dir, 'transcripts', `fill-${i}.jsonl`), `${JSON.stringify(turn)}\n`);
  }
}

async function fillRedis(store: RedisStore, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, n - i) }, (_, k) => {
        const { state, turn } = filler(i + k);
        return store.conversations.write(`fill-${i + k}`, state, turn);
      }),
    );
  }
}

async function measure(
  store: ConversationStore,
  assistant: Assistant,
  turns: number,
  settle?: () => Promise<void>,
): Promise<Omit<StoreBenchRow, 'store' | 'stored'>> {
  const service = new AssistantChatService(assistant, store);
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < turns; i++) {
    // A new conversation every 12 turns, so both first turns and follow-ups are measured.
    const conversationId = `bench-${Math.floor(i / MESSAGES.length)}`;
    const t0 = performance.now();
    await service.handle({ conversationId, text: MESSAGES[i % MESSAGES.length], channel: 'bench' });
    times.push(performance.now() - t0);
  }
  // The lowdb store applies its journal to the conversation files behind the turns: that work counts too.
  await settle?.();
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
  return { turns, meanMs: times.reduce((a, b) => a + b, 0) / times.length, p50Ms: pct(50), p99Ms: pct(99), turnsPerSecond: turns / elapsed };
}

/** Runs the store benchmark for each size; Redis rows need a local redis-server binary. */
export async function benchStores(assistant: Assistant, sizes: number[], turns: number, log: (l: string) => void): Promise<StoreBenchRow[]> {
  const rows: StoreBenchRow[] = [];
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'jianli-bench-'));
    try {
      log(`  lowdb: filling ${n} conversations…`);
      fillLowdb(dir, n);
      const store = new LowdbStore(dir);
      rows.push({ store: 'lowdb', stored: n, ...(await measure(store, assistant, turns, () => store.flush())) });
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  let redis: TestRedis | undefined;
  try {
    redis = await TestRedis.start();
  } catch (err) {
    log(`  redis: skipped (${(err as Error).message})`);
    return rows;
  }
  try {
    for (const n of sizes) {
      const store = new RedisStore(redis.url, { prefix: `bench${n}:` });
      await store.conversations.ready();
      log(`  redis: filling ${n} conversations…`);
      await fillRedis(store, n);
      rows.push({ store: 'redis', stored: n, ...(await measure(store, assistant, turns)) });
      await store.close();
    }
  } finally {
    await redis.down();
  }
  return rows;
}
