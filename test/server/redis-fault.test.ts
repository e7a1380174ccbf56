/**
 * A Redis that stops answering (paused with SIGSTOP: the TCP connection stays open, nothing
 * replies) or dies must not hang requests: POST /api/chat and /healthz answer 503 with the
 * reason within about two seconds, every Redis error is a 503 (never a 500), and service resumes
 * by itself when Redis is back. The timing bounds here are fault bounds of seconds, not speed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { Redis, ReplyError } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../src/server/app';
import { errorResponse } from '../../src/server/errors';
import { AssistantChatService } from '../../src/service/chat';
import { RedisStore } from '../../src/store/redis';
import { StoreUnavailableError } from '../../src/store/types';
import { sharedAssistant } from '../helpers/assistant';
import { freePort, REDIS_SERVER } from '../helpers/redis';
import { listen } from '../helpers/listen';

/** A redis-server of this file's own, whose process the test can pause, resume and kill. */
class PausableRedis {
  child?: ChildProcess;
  constructor(readonly port: number) {}
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  async up(): Promise<void> {
    this.child = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: 'ignore',
    });
    const t0 = Date.now();
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect(this.port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => (s.destroy(), resolve(false)));
      });
      if (ok) return;
      if (Date.now() - t0 > 10_000) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  pause() {
    this.child?.kill('SIGSTOP');
  }
  resume() {
    this.child?.kill('SIGCONT');
  }
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

let redis: PausableRedis;
let store: RedisStore;
let app: App;
let base = '';

beforeAll(async () => {
  redis = new PausableRedis(await freePort());
  await redis.up();
  store = new RedisStore(redis.url, { prefix: 'fault:' });
  await store.conversations.ready();
  app = createApp({
    service: new AssistantChatService(sharedAssistant(), store),
    rateLimits: { perAddressPerMinute: 0, perConversationPerMinute: 0 },
    health: async () => ({ ...(await store.health()) }),
  });
  base = await listen(app.server);
});
afterEach(() => redis.resume());
afterAll(async () => {
  await app?.close();
  await store?.close();
  redis.resume();
  await redis?.down();
});

/** Status, JSON body and time of one request; a request still unanswered after 8 s counts as hung. */
async function timed(path: string, init?: RequestInit): Promise<{ status: number | 'hung'; body: Record<string, unknown>; ms: number }> {
  const t0 = Date.now();
  try {
    const r = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(8000) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown>, ms: Date.now() - t0 };
  } catch {
    return { status: 'hung', body: {}, ms: Date.now() - t0 };
  }
}
const say = (conversationId: string, text = '审批要多久') =>
  timed('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId, text }) });

/** Every request below gets its answer within this bound while Redis is away. */
const BOUND_MS = 2500;

async function expectUnavailableFast() {
  const chat = await say('fault-1');
  expect(chat.status).toBe(503);
  expect(chat.body.error).toMatch(/conversation store unavailable/);
  expect(chat.ms).toBeLessThan(BOUND_MS);
  const health = await timed('/healthz');
  expect(health.status).toBe(503);
  expect(health.ms).toBeLessThan(BOUND_MS);
  // A second turn, on another conversation, is no slower than the first.
  const again = await say('fault-2');
  expect(again.status).toBe(503);
  expect(again.ms).toBeLessThan(BOUND_MS);
}

async function expectRecovered() {
  await vi.waitFor(
    async () => {
      const r = await say('fault-1');
      expect(r.status).toBe(200);
      expect(r.body.intent).toBe('process.approval_time');
    },
    { timeout: 15_000, interval: 200 },
  );
  expect((await timed('/healthz')).status).toBe(200);
}

describe('a paused or dead Redis', () => {
  it('answers 503 within the bound while Redis is paused (SIGSTOP) or killed, and recovers each time', async () => {
    expect((await say('fault-1')).status).toBe(200);
    redis.pause();
    await expectUnavailableFast();
    redis.resume();
    await expectRecovered();
    await redis.down();
    await expectUnavailableFast();
    await redis.up();
    await expectRecovered();
  }, 60_000);

  it('answers 503, not 500, when Redis refuses a write (OOM under maxmemory)', async () => {
    expect((await say('fault-oom')).status).toBe(200);
    const admin = new Redis(redis.url, { lazyConnect: true });
    await admin.connect();
    try {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'maxmemory', '1');
      const r = await say('fault-oom');
      expect(r.status).toBe(503);
      expect(r.body.error).toMatch(/conversation store unavailable: OOM/);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
      admin.disconnect();
    }
    expect((await say('fault-oom')).status).toBe(200);
  }, 30_000);
});

describe('errorResponse', () => {
  it('maps Redis client errors to 503 with the reason', () => {
    const quiet = () => undefined;
    expect(errorResponse(new StoreUnavailableError('redis is reconnecting'), quiet)).toEqual({
      status: 503,
      body: { error: 'conversation store unavailable: redis is reconnecting' },
    });
    const reply = errorResponse(new ReplyError("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk."), quiet);
    expect(reply.status).toBe(503);
    expect(reply.body.error).toMatch(/^conversation store unavailable: MISCONF/);
    expect(errorResponse(new Error('something else'), quiet).status).toBe(500);
  });
});
