/**
 * Attacks on POST /api/messages without credentials, over real HTTP. Each test stands up a
 * target server that records whether the bot reached it (the "serviceUrl" an attacker names) and
 * asserts the status and that nothing was sent. Before JIANLI_TEAMS_EMULATOR existed, an
 * unconfigured server accepted any anonymous activity and POSTed its reply to any serviceUrl.
 */
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackUrl } from '../../../src/channels/teams';
import { tempService } from '../../helpers/service';
import { activity, post, startHarness, startTarget, type Harness } from './harness';

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

/** An address of this machine that is not loopback (the container's eth0), if it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

describe('Teams channel without credentials and without JIANLI_TEAMS_EMULATOR: off', () => {
  let h: Harness;
  let target: Awaited<ReturnType<typeof startTarget>>;
  beforeAll(async () => {
    h = await startHarness(service, {});
    target = await startTarget();
  });
  afterAll(async () => {
    await h.stop();
    await target.stop();
  });

  it('reports the mode', () => {
    expect(h.mode).toBe('off');
  });

  it('answers 404 naming the settings to an anonymous activity, and POSTs nothing to its serviceUrl', async () => {
    const res = await post(h, { ...activity(h, 'off', { text: '注销需要什么材料' }), serviceUrl: `http://127.0.0.1:${target.port}` });
    expect(res.status).toBe(404);
    expect(reason(res.body)).toMatch(/MicrosoftAppId.*JIANLI_TEAMS_EMULATOR=1/);
    expect(target.hits).toEqual([]);
    expect(h.hits).toEqual([]);
    expect(await service.history('teams:off')).toEqual([]);
  });

  it('answers 404 without a body parser in front too (the body is not read)', async () => {
    const res = await post(h, activity(h, 'off-raw', { text: 'hi' }), { path: '/raw/api/messages' });
    expect(res.status).toBe(404);
    expect(h.hits).toEqual([]);
  });
});

describe('Teams channel in emulator mode: replies only to a loopback serviceUrl', () => {
  let h: Harness;
  let target: Awaited<ReturnType<typeof startTarget>>;
  beforeAll(async () => {
    h = await startHarness(service, { emulator: true });
    // Listening on every address: reachable as 0.0.0.0 and through the LAN address as well as loopback.
    target = await startTarget('0.0.0.0');
  });
  afterAll(async () => {
    await h.stop();
    await target.stop();
  });

  async function refused(serviceUrl: string, conversation: string): Promise<void> {
    const res = await post(h, { ...activity(h, conversation, { text: '注销需要什么材料' }), serviceUrl });
    expect(res.status).toBe(400);
    expect(reason(res.body)).toMatch(/serviceUrl must be a loopback address .*JIANLI_TEAMS_EMULATOR=1/);
    expect(target.hits).toEqual([]);
    expect(await service.history(`teams:${conversation}`)).toEqual([]);
  }

  it('reports the mode', () => {
    expect(h.mode).toBe('emulator');
  });

  it.runIf(lanAddress)('refuses a serviceUrl on another host (this machine by its LAN address) and sends nothing there', async () => {
    await refused(`http://${lanAddress}:${target.port}`, 'ssrf-lan');
  });

  it('refuses http://0.0.0.0 (which reaches this machine, but is not a loopback address)', async () => {
    await refused(`http://0.0.0.0:${target.port}`, 'ssrf-any');
  });

  it('refuses a host name other than localhost, and a cloud metadata address', async () => {
    await refused('http://attacker.example/', 'ssrf-name');
    await refused('http://127.0.0.1.attacker.example/', 'ssrf-lookalike');
    await refused(`http://localhost@attacker.example:${target.port}/`, 'ssrf-userinfo');
    await refused('http://169.254.169.254/latest/meta-data/', 'ssrf-metadata');
  });

  it('refuses a serviceUrl that is not an http(s) URL', async () => {
    await refused('file:///etc/passwd', 'ssrf-file');
    await refused('not a url', 'ssrf-junk');
  });

  it('answers the Emulator on this machine (the loopback target gets the reply)', async () => {
    const res = await post(h, { ...activity(h, 'loopback', { text: '注销需要什么材料' }), serviceUrl: `http://127.0.0.1:${target.port}` });
    expect(res.status).toBe(200);
    // A typing indicator, then the reply: every request went to the loopback conversation.
    expect(target.hits.length).toBeGreaterThanOrEqual(1);
    for (const hit of target.hits) expect(hit).toMatch(/^POST \/v3\/conversations\/loopback\/activities/);
    target.hits.length = 0;
  });
});

describe('isLoopbackUrl', () => {
  it('accepts localhost, 127.0.0.0/8 and ::1 over http(s)', () => {
    for (const url of [
      'http://localhost:3978',
      'https://LOCALHOST/',
      'http://127.0.0.1:9000/',
      'http://127.1.2.3',
      'http://[::1]:5000',
      'http://2130706433/',
      'http://0x7f.1/',
    ]) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
  });

  it('refuses everything else', () => {
    for (const url of [
      'http://0.0.0.0/',
      'http://10.0.0.1/',
      'http://localhost./',
      'http://evil.localhost/',
      'http://127.0.0.1.nip.io/',
      'http://[::]/',
      'http://[::ffff:10.0.0.1]/',
      'ftp://127.0.0.1/',
      'javascript:alert(1)',
      '',
    ]) {
      expect(isLoopbackUrl(url), url).toBe(false);
    }
  });
});

describe('Teams channel: malformed activities are 400 with a reason, not a 500', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(service, { emulator: true });
  });
  afterAll(() => h.stop());

  // [what, the activity (or, for a raw body, its JSON text), the reason expected, raw?]
  const cases: [string, () => unknown, RegExp, 'raw'?][] = [
    ['a non-string text', () => activity(h, 'm1', { text: 123 }), /^text must be a string$/],
    ['an object as text', () => activity(h, 'm2', { text: { 注销: 1 } }), /^text must be a string$/],
    ['entities that are not an array', () => activity(h, 'm3', { text: 'hi', entities: { type: 'mention' } }), /^entities must be an array$/],
    ['entities: [null]', () => activity(h, 'm4', { text: 'hi', entities: [null] }), /^entities\[0\] must be an object$/],
    ['an entity without a type', () => activity(h, 'm5', { text: 'hi', entities: [{}] }), /^entities\[0\]\.type/],
    [
      'a mention without the mentioned account',
      () => activity(h, 'm6', { text: 'hi', entities: [{ type: 'mention', text: '<at>Bot</at>' }] }),
      /mentioned must be an object/,
    ],
    [
      'a mention of the bot in a message without text',
      () => activity(h, 'm7', { entities: [{ type: 'mention', text: '<at>Bot</at>', mentioned: { id: 'bot-1' } }] }),
      /text must be a string when the activity has a mention/,
    ],
    ['membersAdded: [null]', () => activity(h, 'm8', { type: 'conversationUpdate', membersAdded: [null] }), /^membersAdded\[0\] must be an object$/],
    [
      'membersAdded that is not an array',
      () => activity(h, 'm9', { type: 'conversationUpdate', membersAdded: { id: 'user-1' } }),
      /^membersAdded must be an array$/,
    ],
    ['a member without an id', () => activity(h, 'm10', { type: 'conversationUpdate', membersAdded: [{ name: 'x' }] }), /^membersAdded\[0\]\.id/],
    [
      'a non-string conversationType (copied into the reply)',
      () => activity(h, 'm11', { text: 'hi', conversation: { id: 'm11', conversationType: 5 } }),
      /conversation\.conversationType must be a string/,
    ],
    [
      'a non-string sender role (copied into the reply)',
      () => activity(h, 'm12', { text: 'hi', from: { id: 'user-1', role: 5 } }),
      /from\.role must be a string/,
    ],
    ['a non-string activity id', () => activity(h, 'm13', { text: 'hi', id: { $ne: 1 } }), /^id must be a string$/],
    ['a JSON string as the body (no body parser)', () => '"hello"', /JSON object/, 'raw'],
    ['null as the body (no body parser)', () => 'null', /JSON object/, 'raw'],
  ];

  for (const [name, body, expected, raw] of cases) {
    it(`answers 400 for ${name}, and sends nothing`, async () => {
      const res = raw ? await post(h, undefined, { path: '/raw/api/messages', raw: body() as string }) : await post(h, body());
      expect(res.status).toBe(400);
      expect(reason(res.body)).toMatch(expected);
      expect(res.sent).toEqual([]);
      expect(h.hits).toEqual([]);
    });
  }

  it('takes value: null as no value (a plain message), not as a card submit', async () => {
    const res = await post(h, activity(h, 'null-value', { text: '注销需要什么材料', value: null }));
    expect(res.status).toBe(200);
    expect(res.sent).toHaveLength(1);
  });
});

describe('Teams channel: text is capped as on /api/chat (413, the same reason)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(service, { emulator: true });
  });
  afterAll(() => h.stop());

  it('answers 413 to a message over 2000 characters (the default cap), runs no turn and sends nothing', async () => {
    const res = await post(h, activity(h, 'long', { text: '注'.repeat(2001) }));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ error: 'text is longer than 2000 characters', field: 'text' });
    expect(h.hits).toEqual([]);
    expect(await service.history('teams:long')).toEqual([]);
  });

  it('answers 413 to a forged card submit whose choice is over the cap', async () => {
    const res = await post(h, activity(h, 'long-choice', { value: { verb: 'jianli.choice', jianliChoice: 'x'.repeat(2001) } }));
    expect(res.status).toBe(413);
    expect(reason(res.body)).toBe('text is longer than 2000 characters');
    expect(h.hits).toEqual([]);
    expect(await service.history('teams:long-choice')).toEqual([]);
  });

  it('answers a message of exactly the cap, and follows a smaller maxTextLength', async () => {
    expect((await post(h, activity(h, 'at-cap', { text: '注'.repeat(2000) }))).status).toBe(200);
    const small = await startHarness(service, { emulator: true }, { maxTextLength: 10 });
    try {
      const res = await post(small, activity(small, 'small', { text: '注销需要什么材料呢？请告诉我' }));
      expect(res.status).toBe(413);
      expect(reason(res.body)).toBe('text is longer than 10 characters');
      expect(small.hits).toEqual([]);
    } finally {
      await small.stop();
    }
  });
});
