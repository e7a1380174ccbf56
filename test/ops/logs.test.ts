/**
 * The structured log (src/ops/logger.ts, http-log.ts, turns.ts): one JSON line per request and per
 * turn, with level, reqId, channel, intent and latency, and no ID-card or phone number in any line,
 * whether it came in a message, a URL query, a header, a body field or an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app';
import { createLogger, logLevelFromEnv, maskDeep } from '../../src/ops/logger';
import { instrumentTurns } from '../../src/ops/turns';
import { tempService } from '../helpers/service';
import { listen } from '../helpers/listen';

const ID = '110105199001011234';
const ID_MASKED = '110105********1234';
const PHONE = '13812345678';
const PHONE_MASKED = '138****5678';

const lines: string[] = [];
const temp = tempService();
const logger = createLogger({ level: 'debug', destination: (l) => lines.push(l) });
instrumentTurns(temp.service, { logger });
const app = createApp({ service: temp.service, logger });
let base = '';

beforeAll(async () => {
  base = await listen(app.server);
});
afterAll(async () => {
  await app.close();
  temp.cleanup();
});

type Line = Record<string, unknown> & { level: string; msg: string; reqId?: string };
const parsed = (): Line[] => lines.map((l) => JSON.parse(l) as Line);
/** Waits for a line (the request's line is written when the response has finished, which may be just after the client has it). */
async function lineWhere(pred: (l: Line) => boolean): Promise<Line> {
  const until = Date.now() + 5000;
  for (;;) {
    const found = parsed().find(pred);
    if (found) return found;
    if (Date.now() > until) throw new Error(`no such line in:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const chat = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('the log of a turn', () => {
  it('is one JSON line with level, reqId, channel, intent and latency, the ID-card and phone numbers masked', async () => {
    const r = await chat({ conversationId: 'log-1', text: `我的身份证${ID}，电话${PHONE}，注销需要什么材料` }, { 'x-request-id': 'req-log-1' });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-request-id')).toBe('req-log-1');
    const { intent } = (await r.json()) as { intent: string };

    const turn = await lineWhere((l) => l.msg === 'turn' && l.reqId === 'req-log-1');
    expect(turn).toMatchObject({ level: 'info', reqId: 'req-log-1', channel: 'api', intent, conversationId: 'api:log-1' });
    expect(typeof turn.latencyMs).toBe('number');
    expect(typeof turn.time).toBe('string');
    expect(turn.text).toContain(ID_MASKED);
    expect(turn.text).toContain(PHONE_MASKED);

    // The request's own line: same id, the turn's channel and intent, the time to answer; at debug,
    // as the turn's line already says it.
    const request = await lineWhere((l) => l.reqId === 'req-log-1' && l.msg !== 'turn');
    expect(request).toMatchObject({ level: 'debug', channel: 'api', intent, req: { method: 'POST', url: '/api/chat' }, res: { statusCode: 200 } });
    expect(typeof request.latencyMs).toBe('number');

    const all = lines.join('\n');
    expect(all).not.toContain(ID);
    expect(all).not.toContain(PHONE);
  });

  it('gives a request without a usable X-Request-Id a new one, and sends it back', async () => {
    const r = await chat({ conversationId: 'log-2', text: '回执要打印吗' });
    const id = r.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const turn = await lineWhere((l) => l.msg === 'turn' && l.reqId === id);
    expect(turn.conversationId).toBe('api:log-2');

    const spaced = await chat({ conversationId: 'log-3', text: '回执要打印吗' }, { 'x-request-id': 'has a space' });
    expect(spaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('masks a phone number sent as the request id, in a URL query, and in an error', async () => {
    await chat({ conversationId: 'log-4', text: '你好' }, { 'x-request-id': `tel-${PHONE}` });
    await lineWhere((l) => l.reqId === `tel-${PHONE_MASKED}` && l.msg === 'turn');
    const r = await fetch(`${base}/api/conversations/log-4/history?phone=${PHONE}&id=${ID}`);
    expect(r.status).toBe(200);
    const line = await lineWhere((l) => (l.req as { url?: string } | undefined)?.url?.startsWith('/api/conversations/log-4/history') === true);
    expect((line.req as { url: string }).url).toBe(`/api/conversations/log-4/history?phone=${PHONE_MASKED}&id=${ID_MASKED}`);
    // A client error is a warning; the request's headers (tokens, cookies) are not logged.
    const bad = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer secret-token' },
      body: `{"conversationId":"${PHONE}"`,
    });
    expect(bad.status).toBe(400);
    const warn = await lineWhere((l) => l.level === 'warn' && (l.res as { statusCode?: number } | undefined)?.statusCode === 400);
    expect(warn.channel).toBe('api');
    expect(lines.join('\n')).not.toContain('secret-token');
    expect(lines.join('\n')).not.toContain(PHONE);
  });

  it('logs a web page turn with the id of its webhook request', async () => {
    const user = 'logtest-visitor-0123456789';
    const r = await fetch(`${base}/api/web/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-web-1' },
      body: JSON.stringify({ type: 'message', user, text: `我电话${PHONE}，回执要打印吗` }),
    });
    expect(r.status).toBe(200);
    const turn = await lineWhere((l) => l.msg === 'turn' && l.channel === 'web');
    expect(turn.reqId).toBe('req-web-1');
    expect(turn.text).toContain(PHONE_MASKED);
    const request = await lineWhere((l) => l.reqId === 'req-web-1' && l.msg !== 'turn');
    expect(request).toMatchObject({ channel: 'web', intent: turn.intent });
  });

  it('logs health checks at debug, other requests at info', async () => {
    await fetch(`${base}/healthz`);
    const line = await lineWhere((l) => (l.req as { url?: string } | undefined)?.url === '/healthz');
    expect(line.level).toBe('debug');
    await fetch(`${base}/api/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-check' },
      body: '{"region":"江苏"}',
    });
    expect(await lineWhere((l) => l.reqId === 'req-check')).toMatchObject({ level: 'info', channel: 'api', msg: 'POST /api/check 200' });
  });
});

describe('the logger', () => {
  it('masks messages, body fields, bindings and errors, and keeps numbers as they are', () => {
    const out: string[] = [];
    const log = createLogger({ destination: (l) => out.push(l) });
    log.child({ user: `u-${PHONE}` }).info({ body: { idCard: ID, list: [`call ${PHONE}`], n: 12.5 }, at: new Date(0) }, `message with ${PHONE} and ${ID}`);
    log.error(new Error(`failed for ${PHONE}`));
    log.warn({ err: new Error(`id ${ID}`) }, 'with an error field');
    const [first, second, third] = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({
      level: 'info',
      user: `u-${PHONE_MASKED}`,
      body: { idCard: ID_MASKED, list: [`call ${PHONE_MASKED}`], n: 12.5 },
      at: '1970-01-01T00:00:00.000Z',
      msg: `message with ${PHONE_MASKED} and ${ID_MASKED}`,
    });
    expect(second).toMatchObject({ level: 'error', msg: `failed for ${PHONE_MASKED}`, err: { type: 'Error', message: `failed for ${PHONE_MASKED}` } });
    expect(third).toMatchObject({ level: 'warn', err: { message: `id ${ID_MASKED}` } });
    expect(out.join('\n')).not.toMatch(new RegExp(`${PHONE}|${ID}`));
  });

  it('writes at JIANLI_LOG_LEVEL and up, and refuses a level it does not know, naming the setting', () => {
    expect(logLevelFromEnv({})).toBe('info');
    expect(logLevelFromEnv({ JIANLI_LOG_LEVEL: 'Debug' })).toBe('debug');
    expect(() => logLevelFromEnv({ JIANLI_LOG_LEVEL: 'verbose' })).toThrow(/^JIANLI_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/);
    const out: string[] = [];
    const log = createLogger({ level: logLevelFromEnv({ JIANLI_LOG_LEVEL: 'warn' }), destination: (l) => out.push(l) });
    log.info('not written');
    log.warn('written');
    expect(out.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['written']);
  });

  it('masks deeply nested values without walking forever', () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 20; i++) at = (at.next = { phone: PHONE }) as Record<string, unknown>;
    expect(JSON.stringify(maskDeep(deep))).not.toContain(PHONE);
  });
});
