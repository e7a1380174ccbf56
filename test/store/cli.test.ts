/** `jianli export` and `jianli forget` on the store named by JIANLI_DATA / JIANLI_STORE. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssistantChatService } from '../../src/service/chat';
import { LowdbStore } from '../../src/store/lowdb';
import { RedisStore } from '../../src/store/redis';
import { sharedAssistant } from '../helpers/assistant';
import { TestRedis } from '../helpers/redis';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'jianli.js');
const dir = mkdtempSync(join(tmpdir(), 'jianli-cli-store-'));
let redis: TestRedis;
beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis?.down();
  rmSync(dir, { recursive: true, force: true });
});
const jianli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

describe.each([
  ['lowdb', () => ({ store: new LowdbStore(dir), env: { JIANLI_DATA: dir } })],
  ['redis', () => ({ store: new RedisStore(redis.url), env: { JIANLI_STORE: redis.url } })],
] as const)('on %s', (_name, open) => {
  it('export prints the conversation with masked turns; forget deletes it', async () => {
    const { store, env } = open();
    await store.conversations.ready();
    const service = new AssistantChatService(sharedAssistant(), store);
    await service.handle({ conversationId: 'cli-1', text: '我电话13912345678，帮我看看能不能注销', channel: 'api' });
    await service.handle({ conversationId: 'cli-1', text: '江苏', channel: 'api' });
    await store.tickets.save({
      id: 'T-cli',
      conversationId: 'cli-1',
      channel: 'api',
      createdAt: new Date().toISOString(),
      reason: 'requested',
      summary: { intentPath: [], lastMessages: [] },
    });
    await store.close();

    const out = jianli(['export', 'cli-1'], env);
    expect(out.status).toBe(0);
    const data = JSON.parse(out.stdout);
    expect(Object.keys(data).sort()).toEqual(['conversationId', 'state', 'turns']);
    expect(data.conversationId).toBe('cli-1');
    // The interview in progress is the open frame of the state's dialog stack.
    expect(data.state.stack.at(-1).check.situation.region).toBe('江苏');
    expect(data.turns).toHaveLength(2);
    // `interview: "started"` marks the turn that began the eligibility interview (for the analytics).
    expect(Object.keys(data.turns[0]).sort()).toEqual(['at', 'channel', 'confidence', 'intent', 'interview', 'replies', 'text']);
    expect(data.turns[0].interview).toBe('started');
    expect(Object.keys(data.turns[1]).sort()).toEqual(['at', 'channel', 'confidence', 'intent', 'replies', 'text']);
    expect(data.turns[0].text).toBe('我电话139****5678，帮我看看能不能注销');
    expect(data.turns[0].intent).toBe('interview.start');

    const forget = jianli(['forget', 'cli-1'], env);
    expect(forget.status).toBe(0);
    expect(forget.stdout).toContain('deleted cli-1');
    const again = jianli(['export', 'cli-1'], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('no conversation cli-1');
    // Its handoff tickets are gone too.
    const reopened = open().store;
    await reopened.conversations.ready();
    expect(await reopened.tickets.list(10, 'cli-1')).toEqual([]);
    await reopened.close();
  });
});
