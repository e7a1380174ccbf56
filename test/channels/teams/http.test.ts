/** The HTTP contract of POST /api/messages: bad bodies get 400, missing tokens 401, never a stack. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatService } from '../../../src/service/types';
import { tempService } from '../../helpers/service';
import { activity, post, startHarness, type Harness } from './harness';

let cleanup: () => void;
let service: ReturnType<typeof tempService>['service'];

beforeAll(() => {
  const temp = tempService();
  service = temp.service;
  cleanup = temp.cleanup;
});

afterAll(() => cleanup());

function reason(body: string): string {
  return (JSON.parse(body) as { error: string }).error;
}

describe('Teams channel: malformed requests (emulator mode)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(service);
  });
  afterAll(() => h.stop());

  const cases: [string, () => Parameters<typeof post>, RegExp][] = [
    ['a body that is not JSON (text/plain)', () => [h, undefined, { raw: 'hello', headers: { 'Content-Type': 'text/plain' } }], /JSON/],
    ['invalid JSON without a body parser in front', () => [h, undefined, { raw: '{"type": "message",', path: '/raw/api/messages' }], /not valid JSON/],
    ['an empty body without a body parser', () => [h, undefined, { raw: '', path: '/raw/api/messages' }], /empty/],
    ['a JSON array', () => [h, [1, 2]], /JSON object/],
    ['an activity without type', () => [h, { ...activity(h, 'c', { text: 'hi' }), type: undefined }], /type/],
    ['an activity without conversation', () => [h, { ...activity(h, 'c', { text: 'hi' }), conversation: undefined }], /conversation/],
    ['an activity without serviceUrl', () => [h, { ...activity(h, 'c', { text: 'hi' }), serviceUrl: '' }], /serviceUrl/],
    ['an activity without from.id', () => [h, { ...activity(h, 'c', { text: 'hi' }), from: {} }], /from\.id/],
  ];

  for (const [name, args, expected] of cases) {
    it(`answers 400 with a reason for ${name}`, async () => {
      const res = await post(...args());
      expect(res.status).toBe(400);
      expect(reason(res.body)).toMatch(expected);
      expect(res.body).not.toMatch(/\bat .+:\d+/);
      expect(res.sent).toEqual([]);
    });
  }

  it('answers 413 with a reason for a body over 1 MB without a body parser', async () => {
    const res = await post(h, undefined, { raw: `{"text":"${'x'.repeat(1_100_000)}"}`, path: '/raw/api/messages' });
    expect(res.status).toBe(413);
    expect(reason(res.body)).toMatch(/larger than 1000000 bytes/);
    expect(res.sent).toEqual([]);
  });

  it('parses the body itself when mounted without express.json()', async () => {
    const res = await post(h, activity(h, 'raw', { text: '注销需要什么材料' }), { path: '/raw/api/messages' });
    expect(res.status).toBe(200);
    expect(res.sent).toHaveLength(1);
  });

  it('answers 500 without internals when the service fails, and the connector gets nothing', async () => {
    const failing: ChatService = {
      handle: () => Promise.reject(new Error('disk full at /secret/path')),
      greet: (id, channel) => service.greet(id, channel),
      check: (situation) => service.check(situation),
      history: (id) => service.history(id),
    };
    const broken = await startHarness(failing);
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (e: unknown) => errors.push(e);
    try {
      const res = await post(broken, activity(broken, 'c', { text: '你好' }));
      expect(res.status).toBe(500);
      expect(res.body).not.toContain('/secret/path');
      expect(res.sent).toEqual([]);
      expect(String(errors[0])).toContain('disk full');
    } finally {
      console.error = original;
      await broken.stop();
    }
  });
});

describe('Teams channel: authenticated mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(service, { appId: '00000000-0000-0000-0000-000000000001', appPassword: 'not-a-real-secret' });
  });
  afterAll(() => h.stop());

  it('reports the mode', () => {
    expect(h.mode).toBe('authenticated');
  });

  it('answers 401 to a request without Authorization, and sends nothing', async () => {
    const res = await post(h, activity(h, 'auth', { text: '注销需要什么材料' }));
    expect(res.status).toBe(401);
    expect(reason(res.body)).toMatch(/unauthorized/i);
    expect(res.sent).toEqual([]);
    expect(h.posted).toEqual([]);
    expect(await service.history('teams:auth')).toEqual([]);
  });

  it('answers 401 to a token that is not a Bot Framework JWT', async () => {
    const res = await post(h, activity(h, 'auth', { text: '注销需要什么材料' }), { headers: { Authorization: 'Bearer not-a-jwt' } });
    expect(res.status).toBe(401);
    expect(h.posted).toEqual([]);
  });

  it('still answers 400 to a malformed body', async () => {
    const res = await post(h, { hello: 'world' });
    expect(res.status).toBe(400);
  });
});
