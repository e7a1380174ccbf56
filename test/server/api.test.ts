/** The JSON API and the web channel's webhook and websocket, over real HTTP on an ephemeral port. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApp } from '../../src/server/app';
import { webConversationId } from '../../src/channels/web/botkit';
import { tempService } from '../helpers/service';
import { listen } from '../helpers/listen';
import { exportConversation } from '../../src/store/export';

const temp = tempService();
let base = '';
let close: () => Promise<void>;

beforeAll(async () => {
  const app = createApp({ service: temp.service, health: () => ({ store: 'lowdb' }) });
  const { server } = app;
  base = await listen(server);
  close = app.close;
});
afterAll(async () => {
  await close();
  temp.cleanup();
});

const post = (path: string, body: string, type = 'application/json', headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type, ...headers }, body });
const chat = (conversationId: string, text: string, headers: Record<string, string> = {}) =>
  post('/api/chat', JSON.stringify({ conversationId, text }), 'application/json', headers);
const storedTurns = async (id: string) => temp.service.store.transcripts.read(id);
/** Page tokens: random and long enough not to be guessed (the page makes 32 hex digits). */
const TOKEN_A = 'f3a9c1d27b4e8f6a0c5d9e2b7a1f4c8d';
const TOKEN_B = '0b7e2d9c4a6f1e8b3d5c7a9f2e4b6d8c';

describe('GET /healthz', () => {
  it('reports readiness', async () => {
    const r = await fetch(`${base}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'ok', store: 'lowdb' });
  });
});

describe('POST /api/chat', () => {
  it('answers with the same JSON as a jianli chat --jsonl turn and keeps the conversation', async () => {
    const r = await post('/api/chat', JSON.stringify({ conversationId: 'api-1', text: '单位不给我办注销' }));
    expect(r.status).toBe(200);
    const turn = await r.json();
    expect(turn.intent).toBe('faq.employer_refusal');
    // The id the conversation is stored under (for jianli export): the API's own namespace.
    expect(turn.conversationId).toBe('api:api-1');
    expect(turn.replies.at(-1).choices).toEqual(['有证明材料', '没有']);
    const next = await (await post('/api/chat', JSON.stringify({ conversationId: 'api-1', text: '有' }))).json();
    expect(next.replies.map((x: { text: string }) => x.text).join()).toContain('强制注销');
    expect(next.sources.join()).toContain('Q1');
    expect(await storedTurns('api:api-1')).toHaveLength(2);
    // api:<id> names the same conversation.
    expect((await chat('api:api-1', '谢谢')).status).toBe(200);
    expect(await storedTurns('api:api-1')).toHaveLength(3);
  });

  it('stores the turn with personal data masked', async () => {
    await post('/api/chat', JSON.stringify({ conversationId: 'api-pii', text: '我的身份证是11010519900101123X，手机13812345678' }));
    const h = await (await fetch(`${base}/api/conversations/api-pii/history`)).json();
    expect(h.conversationId).toBe('api:api-pii');
    expect(h.turns[0].text).toBe('我的身份证是110105********123X，手机138****5678');
  });

  it("refuses another channel's conversation id with 403 and stores nothing (no handoff in a WeChat user's name)", async () => {
    for (const id of ['wechat:oVictim123', 'teams:19:abc', 'web:5d1c0000000000000000000000000000', 'other:x']) {
      const r = await chat(id, '转人工');
      expect(r.status, id).toBe(403);
      const body = await r.json();
      expect(body.field).toBe('conversationId');
      expect(body.error).toMatch(/another channel/);
      expect(await exportConversation(temp.service.store, id)).toBeUndefined();
      expect(await exportConversation(temp.service.store, `api:${id}`)).toBeUndefined();
      expect(await temp.service.store.tickets.list(10, id)).toEqual([]);
    }
  });

  it('answers a retry with the same Idempotency-Key once: the same reply, one stored turn', async () => {
    const key = { 'idempotency-key': 'retry-7f3a' };
    const first = await chat('idem-1', '单位不给我办注销', key);
    const again = await chat('idem-1', '单位不给我办注销', key);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    expect(await storedTurns('api:idem-1')).toHaveLength(1);
    // Another key is another message.
    expect((await chat('idem-1', '单位不给我办注销', { 'idempotency-key': 'retry-7f3b' })).headers.get('idempotent-replayed')).toBeNull();
    expect(await storedTurns('api:idem-1')).toHaveLength(2);
  });

  it('rejects a malformed Idempotency-Key with 400 and stores nothing', async () => {
    const r = await chat('idem-bad', '你好', { 'idempotency-key': 'x'.repeat(200) });
    expect(r.status).toBe(400);
    expect((await r.json()).field).toBe('Idempotency-Key');
    expect(await storedTurns('api:idem-bad')).toEqual([]);
  });

  it.each([
    ['malformed JSON', '{"conversationId":', 400, /not valid JSON/],
    ['a missing text', '{"conversationId":"x1"}', 400, /text is required/],
    ['an unknown field', '{"conversationId":"x1","text":"hi","extra":1}', 400, /unknown field extra/],
    ['a bad conversation id', '{"conversationId":"../etc","text":"hi"}', 400, /conversationId/],
    ['a text that is not a string', '{"conversationId":"x1","text":5}', 400, /text must be a string/],
    ['a message over the limit', JSON.stringify({ conversationId: 'x1', text: '啊'.repeat(2001) }), 413, /longer than 2000/],
    ['a body over 64 KB', JSON.stringify({ conversationId: 'x1', text: 'a'.repeat(70_000) }), 413, /too large/],
  ])('rejects %s with a reason', async (_what, body, status, reason) => {
    const r = await post('/api/chat', body);
    expect(r.status).toBe(status);
    expect((await r.json()).error).toMatch(reason);
  });

  it('rejects a wrong content type with 415', async () => {
    const r = await post('/api/chat', 'conversationId=x&text=hi', 'application/x-www-form-urlencoded');
    expect(r.status).toBe(415);
  });
});

describe('GET /api/conversations/:id/history', () => {
  it("refuses another channel's conversation with 403 and shows none of it", async () => {
    await temp.service.handle({ conversationId: 'wechat:oVictim456', text: '我的手机13812345678，帮我转人工', channel: 'wechat' });
    for (const id of ['wechat:oVictim456', webConversationId(TOKEN_A), 'teams:t1']) {
      const r = await fetch(`${base}/api/conversations/${encodeURIComponent(id)}/history`);
      expect(r.status, id).toBe(403);
      const body = await r.text();
      expect(body).not.toContain('转人工');
      expect(JSON.parse(body).error).toMatch(/another channel/);
    }
  });

  it('rejects an id that is not one with 400', async () => {
    expect((await fetch(`${base}/api/conversations/${encodeURIComponent('a b')}/history`)).status).toBe(400);
  });
});

describe('POST /api/check', () => {
  it('returns the verdict', async () => {
    const r = await post('/api/check', JSON.stringify({ region: '上海', pendingAccidentLiability: true }));
    expect(r.status).toBe(200);
    const v = await r.json();
    expect(v.status).toBe('blocked');
    expect(v.blockers[0].code).toBe('ACCIDENT_LIABILITY');
  });
  it('answers 400 with the field name on bad input', async () => {
    const r = await post('/api/check', JSON.stringify({ unsettledProjects: 'maybe' }));
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: 'unsettledProjects: must be true or false', field: 'unsettledProjects' });
  });
  it.each([
    ['an empty body', ''],
    ['an empty object', '{}'],
  ])('answers 400 with the reason for %s', async (_what, body) => {
    const r = await post('/api/check', body);
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/empty situation/);
  });
});

describe('web channel (Botkit)', () => {
  it('answers over the webhook with the replies in the response body', async () => {
    const hello = await (await post('/api/web/messages', JSON.stringify({ type: 'hello', user: TOKEN_A }))).json();
    expect(hello[0].text).toContain('监理注销助手');
    const r = await post('/api/web/messages', JSON.stringify({ type: 'message', user: TOKEN_A, text: '注销要什么材料' }));
    expect(r.status).toBe(200);
    const messages = await r.json();
    expect(messages[0].text).toContain('身份证件');
    expect(messages[0].quick_replies.map((q: { title: string }) => q.title)).toContain('注销要交照片吗？');
  });

  it('rejects a webhook body without a valid user', async () => {
    const r = await post('/api/web/messages', JSON.stringify({ type: 'message', text: 'hi' }));
    expect(r.status).toBe(400);
    // A short, guessable token is refused too.
    expect((await post('/api/web/messages', JSON.stringify({ type: 'message', user: 'user1', text: 'hi' }))).status).toBe(400);
  });

  it("serves the page's history only for its own token", async () => {
    const history = (token?: string) => fetch(`${base}/api/web/history`, { headers: token ? { 'x-web-token': token } : {} });
    const own = await history(TOKEN_A);
    expect(own.status).toBe(200);
    const h = await own.json();
    expect(h.conversationId).toBe(webConversationId(TOKEN_A));
    expect(h.conversationId).not.toContain(TOKEN_A);
    expect(h.turns.map((t: { text: string }) => t.text)).toContain('注销要什么材料');
    // Another page sees its own (empty) conversation, not this one.
    expect((await (await history(TOKEN_B)).json()).turns).toEqual([]);
    expect((await history()).status).toBe(401);
    expect((await history('short')).status).toBe(400);
  });

  it('answers a resent page message (same idempotencyKey) once', async () => {
    const message = JSON.stringify({ type: 'message', user: TOKEN_B, text: '审批要多久', idempotencyKey: 'page-msg-1' });
    const first = await (await post('/api/web/messages', message)).json();
    const again = await (await post('/api/web/messages', message)).json();
    expect(again.map((m: { text: string }) => m.text)).toEqual(first.map((m: { text: string }) => m.text));
    expect(await storedTurns(webConversationId(TOKEN_B))).toHaveLength(1);
    expect((await post('/api/web/messages', JSON.stringify({ type: 'message', user: TOKEN_B, text: 'hi', idempotencyKey: 'has space' }))).status).toBe(400);
  });

  it('answers over the websocket, with a typing indicator first', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`);
    const got: { type: string; text?: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'message', user: 'socket-user-0000000001', text: '审批要多久', idempotencyKey: 'ws-1' })));
      ws.on('message', (data) => {
        got.push(JSON.parse(String(data)));
        if (got.some((m) => m.type === 'message')) resolve();
      });
    });
    ws.close();
    expect(got[0].type).toBe('typing');
    expect(got.find((m) => m.type === 'message')?.text).toContain('5–15个工作日');
    expect(await storedTurns(webConversationId('socket-user-0000000001'))).toHaveLength(1);
  });

  it('serves the chat page and 404s unknown paths', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('监理注销助手');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
