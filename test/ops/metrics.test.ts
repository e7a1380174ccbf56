/** GET /metrics (src/ops/metrics.ts): Prometheus text behind the admin token; turns, fallbacks, handoffs and store errors counted. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app';
import { Metrics } from '../../src/ops/metrics';
import { countStoreErrors, instrumentTurns } from '../../src/ops/turns';
import { createLogger } from '../../src/ops/logger';
import { AssistantChatService } from '../../src/service/chat';
import { LowdbStore } from '../../src/store/lowdb';
import { StoreUnavailableError } from '../../src/store/types';
import { sharedAssistant } from '../helpers/assistant';
import { listen } from '../helpers/listen';
import { tempDirs } from '../helpers/temp';

const TOKEN = 'metrics-token';
const dirs = tempDirs();
const metrics = new Metrics();
const logger = createLogger({ level: 'silent' });
const service = instrumentTurns(new AssistantChatService(sharedAssistant(), new LowdbStore(dirs.temp('jianli-metrics-'))), { logger, metrics });
const app = createApp({ service, logger, metrics, metricsToken: TOKEN });
const off = createApp({ service, metrics, metricsToken: undefined });
let base = '';
let offBase = '';

beforeAll(async () => {
  base = await listen(app.server);
  offBase = await listen(off.server);
});
afterAll(async () => {
  await app.close();
  await off.close();
  dirs.cleanup();
});

const scrape = async () => {
  const r = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(r.status).toBe(200);
  return r.text();
};
/** A sample's value in the exposition text (0 when the series is not there yet). */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};
const chat = (conversationId: string, text: string) =>
  fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId, text }) }).then(
    (r) => r.json() as Promise<{ intent: string }>,
  );

describe('GET /metrics', () => {
  it('answers 401 without the admin token or with a wrong one, as the admin paths do', async () => {
    const none = await fetch(`${base}/metrics`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'admin paths need Authorization: Bearer <JIANLI_ADMIN_TOKEN>' });
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const wrong = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer not-it' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('jianli_turns_total');
  });

  it('is off (404) when no admin token is configured', async () => {
    expect((await fetch(`${offBase}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it('serves Prometheus text with the process metrics, and counts a turn by channel and intent', async () => {
    const r = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const before = await r.text();
    expect(before).toContain('process_cpu_user_seconds_total');
    expect(before).toContain('nodejs_eventloop_lag_seconds');
    expect(before).toContain('# TYPE jianli_turns_total counter');

    const { intent } = await chat('metrics-1', '回执要打印吗');
    const series = `jianli_turns_total{channel="api",intent="${intent}"}`;
    const after = await scrape();
    expect(sample(after, series)).toBe(sample(before, series) + 1);
    expect(sample(after, 'jianli_turn_duration_seconds_count{channel="api"}')).toBe(sample(before, 'jianli_turn_duration_seconds_count{channel="api"}') + 1);
    await chat('metrics-1', '回执要打印吗');
    expect(sample(await scrape(), series)).toBe(sample(before, series) + 2);
  });

  it('counts fallbacks', async () => {
    const before = sample(await scrape(), 'jianli_fallbacks_total{channel="api"}');
    expect((await chat('metrics-2', '😀😀😀')).intent).toBe('fallback');
    expect(sample(await scrape(), 'jianli_fallbacks_total{channel="api"}')).toBe(before + 1);
  });
});

describe('the counters', () => {
  it('count handoffs by channel and reason, and store errors once each, by operation', async () => {
    const m = new Metrics({ processMetrics: false });
    m.handoff('wechat', 'requested');
    const failing = new LowdbStore(dirs.temp('jianli-metrics-store-'));
    const down = new StoreUnavailableError('redis is away');
    failing.conversations.read = () => Promise.reject(down);
    const store = countStoreErrors(failing, (op) => m.storeError(op));
    expect(store instanceof LowdbStore).toBe(true);
    const svc = new AssistantChatService(sharedAssistant(), store);
    await expect(svc.handle({ conversationId: 'x', text: '你好', channel: 'api' })).rejects.toBe(down);
    // Not a store error: not counted.
    failing.transcripts.read = () => Promise.reject(new Error('a bug'));
    await expect(store.transcripts.read('x')).rejects.toThrow('a bug');
    const text = await m.text();
    expect(sample(text, 'jianli_handoffs_total{channel="wechat",reason="requested"}')).toBe(1);
    expect(sample(text, 'jianli_store_errors_total{operation="conversations.read"}')).toBe(1);
    expect(text).not.toContain('operation="conversations.exclusive"');
    expect(text).not.toContain('operation="transcripts.read"');
    expect(text).not.toContain('process_cpu');
    await failing.close();
  });
});
