/** The admin paths over real HTTP on an ephemeral port: off without a token, 401 without the right one, 200 with it. */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminRouter, type AdminRouterOptions } from '../../src/admin/router';
import { createApp } from '../../src/server/app';
import { LatencyRecorder } from '../../src/server/latency';
import { handoffService } from '../helpers/handoff';

const TOKEN = 'admin-test-token-7f3a';
const h = handoffService();
const servers: (() => Promise<void>)[] = [];

async function serve(opts: Partial<AdminRouterOptions>): Promise<string> {
  const app = createApp({
    service: h.service,
    latency: opts.latency,
    mount: [(a) => a.use('/admin', createAdminRouter({ service: h.service, store: h.store, ...opts }))],
  });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', () => r()));
  servers.push(app.close);
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

let on = '';
let off = '';
beforeAll(async () => {
  const say = (conversationId: string, text: string, at: string) => h.service.handle({ conversationId, text, channel: 'api', now: new Date(at) });
  await say('a', '注销需要什么材料', '2026-05-01T01:00:00.000Z');
  await say('a', '转人工', '2026-05-01T01:01:00.000Z');
  // Two messages nothing answers (a weather question now gets the out-of-scope card, not the fallback).
  await say('b', 'asdf qwer zxcv', '2026-05-02T01:00:00.000Z');
  await say('b', '嗯嗯啊啊哦哦', '2026-05-02T01:01:00.000Z');
  // A high failure limit here: these tests fail authentication on purpose many times.
  on = await serve({ token: TOKEN, failedAuthPerMinute: 1000, latency: new LatencyRecorder() });
  off = await serve({ token: undefined });
});
afterAll(async () => {
  for (const close of servers) await close();
  h.cleanup();
});

const PATHS = ['/admin', '/admin/', '/admin/handoffs', '/admin/api/stats', '/admin/api/latency', '/admin/no-such-page'];
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('admin paths without a configured token', () => {
  it.each(PATHS)('%s is off: 404, even with a token', async (path) => {
    for (const headers of [{}, bearer(TOKEN), bearer('')]) {
      const r = await fetch(`${off}${path}`, { headers });
      expect(r.status).toBe(404);
      expect(await r.json()).toEqual({ error: 'not found' });
    }
  });
});

describe('admin paths with a token', () => {
  it.each(PATHS)('%s needs the bearer token: 401 without, with a wrong one or a malformed header', async (path) => {
    for (const [headers, reason] of [
      [{}, /need Authorization: Bearer/],
      [bearer('wrong-token'), /not correct/],
      [bearer(`${TOKEN}x`), /not correct/],
      [bearer(TOKEN.slice(0, -1)), /not correct/],
      [{ authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` }, /must be "Bearer <token>"/],
      [{ authorization: 'Bearer' }, /must be "Bearer <token>"/],
    ] as const) {
      const r = await fetch(`${on}${path}`, { headers: { ...headers, accept: 'application/json' } });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="jianli-admin"/);
      expect((await r.json()).error).toMatch(reason);
    }
  });

  it('lets the right token in (the scheme in any case)', async () => {
    for (const path of ['/admin', '/admin/handoffs', '/admin/api/stats']) {
      expect((await fetch(`${on}${path}`, { headers: bearer(TOKEN) })).status).toBe(200);
      expect((await fetch(`${on}${path}`, { headers: { authorization: `bearer ${TOKEN}` } })).status).toBe(200);
    }
    const unknown = await fetch(`${on}/admin/no-such-page`, { headers: bearer(TOKEN) });
    expect(unknown.status).toBe(404);
  });

  it('GET /admin/handoffs lists the tickets newest first, never cached', async () => {
    const r = await fetch(`${on}/admin/handoffs`, { headers: bearer(TOKEN) });
    expect(r.headers.get('cache-control')).toBe('no-store');
    const list = await r.json();
    expect(list.map((t: { conversationId: string; reason: string }) => [t.conversationId, t.reason])).toEqual([
      ['b', 'repeated_fallback'],
      ['a', 'requested'],
    ]);
    expect(list[1].summary.intentPath).toEqual(['process.materials', 'handoff.human']);
    const one = await (await fetch(`${on}/admin/handoffs?limit=1`, { headers: bearer(TOKEN) })).json();
    expect(one).toHaveLength(1);
    expect(one[0].conversationId).toBe('b');
  });

  it.each(['0', '1001', 'abc', '-1', '2.5'])('GET /admin/handoffs?limit=%s is a 400 with the reason', async (limit) => {
    const r = await fetch(`${on}/admin/handoffs?limit=${limit}`, { headers: bearer(TOKEN) });
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/limit must be a whole number from 1 to 1000/);
  });

  it('GET /admin/api/stats answers the analytics as JSON', async () => {
    const stats = await (await fetch(`${on}/admin/api/stats`, { headers: bearer(TOKEN) })).json();
    expect(stats).toMatchObject({
      conversations: 2,
      questions: 4,
      fallback: { count: 2, rate: 0.5 },
      handoffs: { total: 2, byReason: { requested: 1, repeated_fallback: 1, complaint: 0 } },
    });
    // The first question of each conversation (b's two were not understood).
    expect(stats.topIntents).toEqual([{ intent: 'process.materials', title: h.service.assistant.knowledge.answers.get('process.materials')!.title, count: 1 }]);
    expect(stats.questionsPerDay).toHaveLength(30);
    // Every intent id with its Chinese title, for the page's paths and tooltips.
    expect(stats.intentTitles).toMatchObject({
      'handoff.human': '联系人工服务',
      fallback: '未能理解',
      'process.materials': h.service.assistant.knowledge.answers.get('process.materials')!.title,
    });
    expect(Object.values(stats.intentTitles as Record<string, string>).every((t) => /[\u4e00-\u9fff]/.test(t))).toBe(true);
  });

  it('reuses computed stats for a short while', async () => {
    const first = await (await fetch(`${on}/admin/api/stats`, { headers: bearer(TOKEN) })).json();
    await h.service.handle({ conversationId: 'c', text: '审批要多久', channel: 'api' });
    const second = await (await fetch(`${on}/admin/api/stats`, { headers: bearer(TOKEN) })).json();
    expect(second).toEqual(first);
    // 刷新 (?fresh=1) counts now, and the next plain request gets those numbers too.
    const refreshed = await (await fetch(`${on}/admin/api/stats?fresh=1`, { headers: bearer(TOKEN) })).json();
    expect(refreshed.questions).toBe(first.questions + 1);
    expect((await (await fetch(`${on}/admin/api/stats`, { headers: bearer(TOKEN) })).json()).questions).toBe(first.questions + 1);
    const fresh = await serve({ token: TOKEN, statsCacheMs: 0, failedAuthPerMinute: 1000 });
    const now = await (await fetch(`${fresh}/admin/api/stats`, { headers: bearer(TOKEN) })).json();
    expect(now.questions).toBe(refreshed.questions);
  });

  it('GET /admin gives a browser the page code (no data) with its 401, pinned by a Content-Security-Policy', async () => {
    const r = await fetch(`${on}/admin`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/);
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    const html = await r.text();
    expect(html).toContain('请输入管理令牌');
    expect(html).toContain('data-base="/admin"');
    expect(html).not.toMatch(/\{\{(style|script|base)\}\}/);
    // The document carries no ticket or statistic: those need the token.
    expect(html).not.toContain('repeated_fallback"');
    expect(html).not.toContain('明天天气');
    const withToken = await fetch(`${on}/admin`, { headers: bearer(TOKEN) });
    expect(await withToken.text()).toBe(html);
  });

  it('slows down token guessing: 429 after too many failures from one address', async () => {
    const limited = await serve({ token: TOKEN, failedAuthPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited}/admin/handoffs`, { headers: bearer(`guess-${i}`) })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('exports and forgets one conversation of the running server (the CLI cannot open its data folder meanwhile)', async () => {
    await h.service.handle({ conversationId: 'forget-me', text: '我的手机13812345678，注销要多久', channel: 'api' });
    expect((await fetch(`${on}/admin/conversations/forget-me`)).status).toBe(401);
    const exported = await (await fetch(`${on}/admin/conversations/forget-me`, { headers: bearer(TOKEN) })).json();
    expect(exported.turns.map((t: { text: string }) => t.text)).toEqual(['我的手机138****5678，注销要多久']);
    const forgotten = await fetch(`${on}/admin/conversations/forget-me`, { method: 'DELETE', headers: bearer(TOKEN) });
    expect(await forgotten.json()).toEqual({ forgotten: 'forget-me' });
    expect((await fetch(`${on}/admin/conversations/forget-me`, { headers: bearer(TOKEN) })).status).toBe(404);
    expect(await h.store.conversations.read('forget-me')).toBeUndefined();
    const again = await fetch(`${on}/admin/conversations/forget-me`, { method: 'DELETE', headers: bearer(TOKEN) });
    expect(again.status).toBe(404);
    expect((await again.json()).error).toBe('no conversation forget-me');
  });

  it('GET /admin/api/latency counts the turns answered at /api/chat; DELETE starts afresh and returns the last counts', async () => {
    const chat = (text: string) =>
      fetch(`${on}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId: 'timed', text }) });
    await fetch(`${on}/admin/api/latency`, { method: 'DELETE', headers: bearer(TOKEN) });
    for (const text of ['你好', '注销需要什么材料', '审批要多久']) expect((await chat(text)).status).toBe(200);
    // A refused request is not an answered turn.
    expect((await fetch(`${on}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(400);
    const r = await fetch(`${on}/admin/api/latency`, { headers: bearer(TOKEN) });
    expect(r.status).toBe(200);
    const counts = await r.json();
    expect(counts.count).toBe(3);
    expect(counts.p50Ms).toBeGreaterThan(0);
    expect(counts.p99Ms).toBeGreaterThanOrEqual(counts.p50Ms);
    expect(counts.maxMs).toBeGreaterThanOrEqual(counts.p99Ms);
    const last = await (await fetch(`${on}/admin/api/latency`, { method: 'DELETE', headers: bearer(TOKEN) })).json();
    expect(last.count).toBe(3);
    const fresh = await (await fetch(`${on}/admin/api/latency`, { headers: bearer(TOKEN) })).json();
    expect(fresh).toMatchObject({ count: 0, p50Ms: 0, p99Ms: 0 });
    expect((await fetch(`${on}/admin/api/latency`, { method: 'DELETE' })).status).toBe(401);
  });
});
