/**
 * Two instances of the server (startServer, as `npm start` runs it) on one real redis-server share
 * what used to be per process: the per-conversation and per-address rate limits (one count, not
 * one per instance), the missed-questions log (`jianli review` sees what either instance missed)
 * and knowledge reloads (a reload on one reaches the other). Both read one copy of knowledge/, as
 * instances sharing a volume would. Each instance trains its own assistant: about a minute.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/serve';
import { DEFAULT_ROOT } from '../../src/knowledge/load';
import { knowledgeFingerprint, RELOAD_CHANNEL } from '../../src/ops/reload-bus';
import { TestRedis } from '../helpers/redis';
import { tempDirs } from '../helpers/temp';

const TOKEN = 'shared-admin-token';
const dirs = tempDirs();
const root = dirs.knowledgeCopy('jianli-shared-knowledge-');
let redis: TestRedis;
let a: RunningServer;
let b: RunningServer;
const linesA: string[] = [];
const linesB: string[] = [];
const savedRoot = process.env.JIANLI_KNOWLEDGE_ROOT;

beforeAll(async () => {
  redis = await TestRedis.start();
  // startServer loads the knowledge from JIANLI_KNOWLEDGE_ROOT of this process (this test file's worker).
  process.env.JIANLI_KNOWLEDGE_ROOT = root;
  const env = (name: string) => ({
    JIANLI_STORE: redis.url,
    JIANLI_DATA: dirs.temp(`jianli-shared-${name}-`),
    JIANLI_ADMIN_TOKEN: TOKEN,
    JIANLI_RATE_PER_CONVERSATION: '5',
    JIANLI_RATE_PER_ADDRESS: '40',
    JIANLI_ENGINE_THREAD: '0',
  });
  a = await startServer({ port: 0, host: '127.0.0.1', env: env('a'), log: (l) => linesA.push(l) });
  b = await startServer({ port: 0, host: '127.0.0.1', env: env('b'), log: (l) => linesB.push(l) });
}, 120_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis?.down();
  if (savedRoot === undefined) delete process.env.JIANLI_KNOWLEDGE_ROOT;
  else process.env.JIANLI_KNOWLEDGE_ROOT = savedRoot;
  dirs.cleanup();
});

/** Forgets the per-address counts (each test's requests come from the same address). */
async function resetAddressCounts(): Promise<void> {
  const rl = new Redis(redis.url);
  try {
    const keys = await rl.keys('jianli:rl:a:*');
    if (keys.length) await rl.del(...keys);
  } finally {
    rl.disconnect();
  }
}

const chat = (base: string, conversationId: string, text: string) =>
  fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId, text }) });

/** `jianli review --json` as an operator runs it on a third machine: only the Redis address in common. */
function review(): Promise<{ status: number | null; groups: { texts: string[] }[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(DEFAULT_ROOT, 'bin', 'jianli.js'), 'review', '--json'], {
      env: {
        ...process.env,
        JIANLI_STORE: redis.url,
        JIANLI_DATA: dirs.temp('jianli-shared-review-'),
        JIANLI_KNOWLEDGE_ROOT: root,
        DOTENV_CONFIG_QUIET: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.once('exit', (status) => resolve({ status, groups: status === 0 ? (JSON.parse(out) as { texts: string[] }[]) : [], stderr: err }));
  });
}

describe('two instances on one Redis', () => {
  it('say at start-up that they share through Redis, in JSON lines that read as before', () => {
    const running = linesA.map((l) => JSON.parse(l) as { level: string; msg: string }).find((l) => l.msg.startsWith('监理注销助手 is running'));
    expect(running?.level).toBe('info');
    expect(linesA.join('\n')).toMatch(
      /监理注销助手 is running \(store: redis redis:\/\/127\.0\.0\.1:\d+; rate limits, missed questions and knowledge reloads shared through it\)/,
    );
    expect(linesB.join('\n')).toContain(`web chat:  ${b.url}/`);
    expect(linesB.join('\n')).toContain(`metrics:   GET ${b.url}/metrics`);
  });

  it('share one per-conversation count: 5 turns allowed in all, alternating instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await chat(i % 2 ? b.url : a.url, 'shared-limit', '回执要打印吗')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    // Another conversation has its own count.
    expect((await chat(b.url, 'shared-limit-2', '回执要打印吗')).status).toBe(200);
  });

  it('share one per-address count, whichever path answers', async () => {
    await resetAddressCounts();
    const statuses: number[] = [];
    for (let i = 0; i < 44; i++) {
      const base = i % 2 ? b.url : a.url;
      // The chat endpoint and an Express route (/api/check) count in the same place.
      const r =
        i % 4 < 2
          ? await chat(base, `shared-address-${i}`, '你好')
          : await fetch(`${base}/api/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"region":"江苏"}' });
      statuses.push(r.status);
    }
    expect(statuses.filter((s) => s !== 429)).toHaveLength(40);
    expect(statuses.slice(40)).toEqual([429, 429, 429, 429]);
  });

  it('keep one missed-questions log: jianli review sees what either instance missed', async () => {
    await resetAddressCounts();
    // Words the assistant cannot place (a topic outside its scope may get an answer card of its own).
    const onA = await (await chat(a.url, 'shared-missed-a', 'asdfghjkl')).json();
    const onB = await (await chat(b.url, 'shared-missed-b', '我电话13812345678，asdf qwer')).json();
    expect([onA.intent, onB.intent]).toEqual(['fallback', 'fallback']);
    const listed = await review();
    expect(listed.status, listed.stderr).toBe(0);
    const texts = listed.groups.flatMap((g) => g.texts);
    expect(texts).toContain('asdfghjkl');
    expect(texts).toContain('我电话138****5678，asdf qwer');
  }, 60_000);

  it('pass a knowledge reload on one instance on to the other', async () => {
    const photo = join(root, 'knowledge', 'cards', 'process.photo.yaml');
    const before = readFileSync(photo, 'utf8');
    expect(before).toContain('白色背景、');
    writeFileSync(photo, before.replace('白色背景、', '白色背景（共享更新）、'));
    await resetAddressCounts();
    const photoAnswer = async (base: string) =>
      ((await (await chat(base, `shared-photo-${Math.random()}`, '照片有什么要求')).json()) as { replies: { text: string }[] }).replies[0].text;
    expect(await photoAnswer(b.url)).not.toContain('共享更新');

    const reloaded = await fetch(`${a.url}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(reloaded.status).toBe(200);
    expect(await photoAnswer(a.url)).toContain('共享更新');
    // B reloads when it hears of it (training takes a few seconds).
    const until = Date.now() + 60_000;
    while (!linesB.some((l) => l.includes("knowledge reloaded on another instance's word")) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const heard = linesB
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .find((l) => l.msg.startsWith("knowledge reloaded on another instance's word"));
    expect(heard?.level).toBe('info');
    expect(await photoAnswer(b.url)).toContain('共享更新');
    // A published it and did not reload again on its own message.
    expect(linesA.some((l) => l.includes('knowledge reload published to the other instances (2 listening'))).toBe(true);
    expect(linesA.some((l) => l.includes("on another instance's word"))).toBe(false);
  }, 120_000);

  it('do not reload for knowledge they already serve, and ignore a message that is not theirs to read', async () => {
    const pub = new Redis(redis.url);
    try {
      const before = linesB.length;
      await pub.publish(RELOAD_CHANNEL, JSON.stringify({ from: 'another', at: new Date().toISOString(), fingerprint: knowledgeFingerprint(root) }));
      await pub.publish(RELOAD_CHANNEL, 'not json');
      const until = Date.now() + 5000;
      while (!linesB.slice(before).some((l) => l.includes('not JSON')) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      const heard = linesB.slice(before).join('\n');
      expect(heard).toContain('knowledge reload on another instance: the knowledge here is already the same');
      expect(heard).toContain(`ignored a message on ${RELOAD_CHANNEL} that is not JSON`);
      expect(heard).not.toContain("knowledge reloaded on another instance's word");
    } finally {
      pub.disconnect();
    }
  });

  it('count each instance’s turns in its own /metrics', async () => {
    const text = await (await fetch(`${b.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(text).toMatch(/jianli_turns_total\{channel="api",intent="process\.receipt"\} [1-9]/);
    expect(text).toMatch(/jianli_fallbacks_total\{channel="api"\} [1-9]/);
    expect((await fetch(`${b.url}/metrics`)).status).toBe(401);
  });
});
