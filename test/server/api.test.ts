/** The JSON API and the web channel's webhook and websocket, over real HTTP on an ephemeral port. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApp } from '../../src/server/app';
import { tempService } from '../helpers/service';
import { listen } from '../helpers/listen';

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

const post = (path: string, body: string, type = 'application/json') => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body });

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
    expect(turn.replies.at(-1).choices).toEqual(['有证明材料', '没有']);
    const next = await (await post('/api/chat', JSON.stringify({ conversationId: 'api-1', text: '有' }))).json();
    expect(next.replies.map((x: { text: string }) => x.text).join()).toContain('强制注销');
    expect(next.sources.join()).toContain('Q1');
  });

  it('stores the turn with personal data masked', async () => {
    await post('/api/chat', JSON.stringify({ conversationId: 'api-pii', text: '我的身份证是11010519900101123X，手机13812345678' }));
    const h = await (await fetch(`${base}/api/conversations/api-pii/history`)).json();
    expect(h.turns[0].text).toBe('我的身份证是110105********123X，手机138****5678');
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
});

describe('web channel (Botkit)', () => {
  it('answers over the webhook with the replies in the response body', async () => {
    const hello = await (await post('/api/web/messages', JSON.stringify({ type: 'hello', user: 'webhook-user-1' }))).json();
    expect(hello[0].text).toContain('监理注销助手');
    const r = await post('/api/web/messages', JSON.stringify({ type: 'message', user: 'webhook-user-1', text: '注销要什么材料' }));
    expect(r.status).toBe(200);
    const messages = await r.json();
    expect(messages[0].text).toContain('身份证复印件');
    expect(messages[0].quick_replies.map((q: { title: string }) => q.title)).toContain('证件照有什么要求？');
  });

  it('rejects a webhook body without a valid user', async () => {
    const r = await post('/api/web/messages', JSON.stringify({ type: 'message', text: 'hi' }));
    expect(r.status).toBe(400);
  });

  it('answers over the websocket, with a typing indicator first', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`);
    const got: { type: string; text?: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'message', user: 'socket-user-1', text: '审批要多久' })));
      ws.on('message', (data) => {
        got.push(JSON.parse(String(data)));
        if (got.some((m) => m.type === 'message')) resolve();
      });
    });
    ws.close();
    expect(got[0].type).toBe('typing');
    expect(got.find((m) => m.type === 'message')?.text).toContain('5–15个工作日');
  });

  it('serves the chat page and 404s unknown paths', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('监理注销助手');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
