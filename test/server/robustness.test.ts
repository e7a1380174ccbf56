/**
 * Bad input to every endpoint gets a 4xx with a reason, never a 5xx, and writes nothing; rate
 * limits answer 429; a Redis outage gives clean 503s and service resumes by itself.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/server/app';
import { AssistantChatService } from '../../src/service/chat';
import { LowdbStore } from '../../src/store/lowdb';
import { RedisStore } from '../../src/store/redis';
import { createTeamsHandler } from '../../src/channels/teams';
import { createWeChatRouter } from '../../src/channels/wechat';
import { sharedAssistant } from '../helpers/assistant';
import { TestRedis } from '../helpers/redis';
import { listen } from '../helpers/listen';

const TOKEN = 'robusttoken';
const dir = mkdtempSync(join(tmpdir(), 'jianli-robust-'));
const store = new LowdbStore(dir);
const service = new AssistantChatService(sharedAssistant(), store);
let app: App;
let base = '';

beforeAll(async () => {
  const teams = createTeamsHandler(service, {});
  app = createApp({
    service,
    rateLimits: { perAddressPerMinute: 0, perConversationPerMinute: 0 },
    mount: [
      (a: express.Express) => a.post('/api/messages', teams.handler),
      (a: express.Express) =>
        a.use('/wechat', createWeChatRouter(service, { token: TOKEN, appId: 'wxrobust', timestampWindowSeconds: 300, replyTimeoutMs: 4500 })),
    ],
  });
  base = await listen(app.server);
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const stored = () => readdirSync(join(dir, 'conversations')).length + readdirSync(join(dir, 'transcripts')).length;
function wechatQuery(): string {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = 'r1';
  const signature = createHash('sha1').update([TOKEN, timestamp, nonce].sort().join('')).digest('hex');
  return `signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`;
}
const MB = 'x'.repeat(1024 * 1024);
const invalidUtf8 = Buffer.concat([Buffer.from('{"conversationId":"u1","text":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);

const cases: [string, string, () => { body: BodyInit; type?: string; query?: string }][] = [
  ['/api/chat', 'malformed JSON', () => ({ body: '{"conversationId":"b1","text":' })],
  ['/api/chat', 'a 1 MB body', () => ({ body: JSON.stringify({ conversationId: 'b1', text: MB }) })],
  ['/api/chat', 'invalid UTF-8', () => ({ body: invalidUtf8 })],
  ['/api/chat', 'a 10,000-character message', () => ({ body: JSON.stringify({ conversationId: 'b1', text: '注'.repeat(10_000) }) })],
  ['/api/chat', 'control characters', () => ({ body: JSON.stringify({ conversationId: 'b1', text: 'hi\u0000\u0007there' }) })],
  ['/api/chat', 'a wrong content type', () => ({ body: 'conversationId=b1&text=hi', type: 'text/plain' })],
  ['/api/chat', 'a JSON array', () => ({ body: '[1,2]' })],
  ['/api/chat', "another channel's conversation id", () => ({ body: JSON.stringify({ conversationId: 'wechat:oVictim', text: '转人工' }) })],
  ['/api/check', 'malformed JSON', () => ({ body: '{"region":' })],
  ['/api/check', 'a wrong type', () => ({ body: '{"unsettledProjects":"maybe"}' })],
  ['/api/check', 'a 1 MB body', () => ({ body: JSON.stringify({ region: MB }) })],
  ['/api/check', 'a wrong content type', () => ({ body: '<xml/>', type: 'application/xml' })],
  ['/api/check', 'an empty body', () => ({ body: '' })],
  ['/api/web/messages', 'malformed JSON', () => ({ body: '{"type":"message"' })],
  ['/api/web/messages', 'no user', () => ({ body: '{"type":"message","text":"hi"}' })],
  ['/api/web/messages', 'a 1 MB body', () => ({ body: JSON.stringify({ type: 'message', user: 'useruser1', text: MB }) })],
  ['/api/web/messages', 'invalid UTF-8', () => ({ body: invalidUtf8 })],
  ['/api/messages', 'malformed JSON', () => ({ body: '{"type":' })],
  ['/api/messages', 'an activity without type', () => ({ body: '{"text":"hi"}' })],
  ['/api/messages', 'a 1 MB body', () => ({ body: JSON.stringify({ type: 'message', text: MB }) })],
  ['/api/messages', 'a wrong content type', () => ({ body: 'hi', type: 'text/plain' })],
  ['/wechat', 'malformed XML', () => ({ body: '<xml><ToUserName>', type: 'text/xml', query: wechatQuery() })],
  [
    '/wechat',
    'an entity declaration',
    () => ({ body: '<!DOCTYPE x [<!ENTITY a "b">]><xml><Content>&a;</Content></xml>', type: 'text/xml', query: wechatQuery() }),
  ],
  ['/wechat', 'a 1 MB body', () => ({ body: `<xml><Content>${MB}</Content></xml>`, type: 'text/xml', query: wechatQuery() })],
  ['/wechat', 'a bad signature', () => ({ body: '<xml></xml>', type: 'text/xml', query: 'signature=00&timestamp=1&nonce=1' })],
];

describe('bad input to every endpoint', () => {
  it.each(cases)('POST %s with %s → 4xx with a reason, nothing written', async (path, _what, make) => {
    const before = stored();
    const { body, type = 'application/json', query } = make();
    const r = await fetch(`${base}${path}${query ? `?${query}` : ''}`, { method: 'POST', headers: { 'content-type': type }, body });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect((await r.text()).length).toBeGreaterThan(0);
    expect(stored()).toBe(before);
  });

  it('answers emoji-only and Traditional input normally (they are not bad input)', async () => {
    const r = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: 'emoji1', text: '😀😀😀' }),
    });
    expect(r.status).toBe(200);
    expect((await r.json()).intent).toBe('fallback');
  });

  it('is still healthy afterwards', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('answers 429 with a reason past the per-conversation and the per-address limits', async () => {
    const limited = createApp({ service, rateLimits: { perAddressPerMinute: 8, perConversationPerMinute: 3 } });
    await new Promise<void>((r) => limited.server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(limited.server.address() as AddressInfo).port}/api/chat`;
    const say = (conversationId: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId, text: '你好' }) });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await say('rl-one')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const r = await say('rl-one');
    expect((await r.json()).error).toMatch(/too many requests for this conversation/);
    const more = [];
    for (let i = 0; i < 4; i++) more.push((await say(`rl-other-${i}`)).status);
    expect(more).toContain(429);
    await limited.close();
  });
});

describe('Redis outage', () => {
  it('gives clean 503s while Redis is down and recovers when it returns', async () => {
    const redis = await TestRedis.start();
    const redisStore = new RedisStore(redis.url, { prefix: 'outage:' });
    await redisStore.conversations.ready();
    const a = createApp({
      service: new AssistantChatService(sharedAssistant(), redisStore),
      rateLimits: { perAddressPerMinute: 0, perConversationPerMinute: 0 },
      health: async () => ({ ...(await redisStore.health()) }),
    });
    const url = await listen(a.server);
    const say = () =>
      fetch(`${url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversationId: 'outage-1', text: '审批要多久' }),
      });
    expect((await say()).status).toBe(200);
    await redis.down();
    const down = await say();
    expect(down.status).toBe(503);
    expect((await down.json()).error).toMatch(/conversation store unavailable/);
    expect((await fetch(`${url}/healthz`)).status).toBe(503);
    await redis.up();
    await redisStore.conversations.ready(10_000);
    const back = await say();
    expect(back.status).toBe(200);
    expect((await back.json()).intent).toBe('process.approval_time');
    await a.close();
    await redisStore.close();
    await redis.down();
  }, 30_000);
});
