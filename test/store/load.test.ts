/**
 * Load on loopback: 200 conversations × 50 turns sent concurrently over HTTP, on the lowdb store
 * and on two server instances sharing one Redis (turns alternating between them). Each stored
 * conversation must hold exactly the turns sent and the state a single in-process run reaches.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/server/app';
import { AssistantChatService } from '../../src/service/chat';
import { exportConversation } from '../../src/store/export';
import { LowdbStore } from '../../src/store/lowdb';
import { RedisStore } from '../../src/store/redis';
import type { ConversationStore } from '../../src/store/types';
import { sharedAssistant } from '../helpers/assistant';
import { TestRedis } from '../helpers/redis';
import { pool, referenceState, script } from '../helpers/load';

const CONVERSATIONS = 200;
const TURNS = 50;
const apps: App[] = [];
const stores: ConversationStore[] = [];
const dirs: string[] = [];
let redis: TestRedis;

async function serve(store: ConversationStore): Promise<string> {
  stores.push(store);
  const app = createApp({ service: new AssistantChatService(sharedAssistant(), store), rateLimits: { perAddressPerMinute: 0, perConversationPerMinute: 0 } });
  apps.push(app);
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

async function send(base: string, conversationId: string, text: string): Promise<void> {
  const r = await fetch(`${base}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversationId, text }),
  });
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
  await r.json();
}

/** All conversations at once, each sending its turns in order, to the bases in turn. */
async function runLoad(bases: string[], prefix: string): Promise<void> {
  await pool(CONVERSATIONS, CONVERSATIONS, async (n) => {
    const messages = script(n, TURNS);
    for (const [i, text] of messages.entries()) await send(bases[i % bases.length], `${prefix}${n}`, text);
  });
}

beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  for (const a of apps) await a.close();
  for (const s of stores) await s.close();
  await redis?.down();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('load', () => {
  it(`lowdb: ${CONVERSATIONS} conversations × ${TURNS} turns concurrently, nothing lost or mixed up`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jianli-load-'));
    dirs.push(dir);
    const store = new LowdbStore(dir);
    const base = await serve(store);
    await runLoad([base], 'load-');
    for (let n = 0; n < CONVERSATIONS; n++) {
      const stored = await exportConversation(store, `api:load-${n}`);
      expect(stored?.turns.map((t) => t.text)).toEqual(script(n, TURNS));
      expect(stored?.state).toEqual(referenceState(script(n, TURNS)));
    }
    // Every state file parses. (A checkpoint still running writes through a hidden temporary file,
    // .<name>.tmp, renamed over the state file when complete: that one may be half written and is not a state file.)
    for (const f of readdirSync(join(dir, 'conversations')).filter((n) => !n.startsWith('.'))) JSON.parse(readFileSync(join(dir, 'conversations', f), 'utf8'));
  }, 240_000);

  it('redis: two server instances, turns alternating between them, give the same results as one', async () => {
    const prefix = 'two:';
    const a = new RedisStore(redis.url, { prefix });
    const b = new RedisStore(redis.url, { prefix });
    await a.conversations.ready();
    await b.conversations.ready();
    const bases = [await serve(a), await serve(b)];
    await runLoad(bases, 'two-');
    for (let n = 0; n < CONVERSATIONS; n++) {
      const stored = await exportConversation(a, `api:two-${n}`);
      expect(stored?.turns.map((t) => t.text)).toEqual(script(n, TURNS));
      expect(stored?.state).toEqual(referenceState(script(n, TURNS)));
    }
  }, 240_000);
});
