/**
 * Retried messages: a turn sent again with the same idempotency key (the API's Idempotency-Key,
 * WeChat's MsgId, the Teams activity id, the web page's per-message key) gets the stored reply and
 * stores nothing new, on both stores, after a restart and from another Redis instance.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AssistantChatService, IDEMPOTENCY_KEYS_KEPT, IDEMPOTENCY_TTL_MS } from '../../src/service/chat';
import { LowdbStore } from '../../src/store/lowdb';
import type { ConversationStore } from '../../src/store/types';
import { sharedAssistant } from '../helpers/assistant';
import { storesForFile } from '../helpers/stores';

const stores = storesForFile('jianli-idem-');
const serviceOn = (store: ConversationStore) => new AssistantChatService(sharedAssistant(), store);
const turnsOf = async (store: ConversationStore, id: string) => store.transcripts.read(id);
const texts = (r: { replies: { text: string }[] }) => r.replies.map((x) => x.text);

describe.each([
  ['lowdb', async () => stores.lowdb() as ConversationStore],
  ['redis', async () => (await stores.redis()) as ConversationStore],
])('idempotency keys on the %s store', (_kind, open) => {
  it('answers the same key again with the stored reply and stores one turn', async () => {
    const store = await open();
    const service = serviceOn(store);
    const first = await service.handle({ conversationId: 'api:k1', text: '单位不给我办注销', channel: 'api', idempotencyKey: 'key-1' });
    const again = await service.handle({ conversationId: 'api:k1', text: '单位不给我办注销', channel: 'api', idempotencyKey: 'key-1' });
    expect(again.replayed).toBe(true);
    expect(first.replayed).toBeUndefined();
    expect(texts(again)).toEqual(texts(first));
    expect(again.intent).toBe(first.intent);
    expect(again.replies).toEqual(first.replies);
    expect(await turnsOf(store, 'api:k1')).toHaveLength(1);
    // The engine's state is not advanced by the retry, and never carries the keys.
    expect(again.state).toEqual(first.state);
    expect(first.state).not.toHaveProperty('idempotency');
  });

  it('runs concurrent retries of one message once', async () => {
    const store = await open();
    const service = serviceOn(store);
    const results = await Promise.all(
      [1, 2, 3].map(() => service.handle({ conversationId: 'api:k2', text: '审批要多久', channel: 'api', idempotencyKey: 'same' })),
    );
    expect(results.filter((r) => r.replayed)).toHaveLength(2);
    expect(new Set(results.map((r) => JSON.stringify(r.replies))).size).toBe(1);
    expect(await turnsOf(store, 'api:k2')).toHaveLength(1);
  });

  it('treats other keys, no key, and the same key in another conversation as new turns', async () => {
    const store = await open();
    const service = serviceOn(store);
    await service.handle({ conversationId: 'api:k3', text: '你好', channel: 'api', idempotencyKey: 'a' });
    await service.handle({ conversationId: 'api:k3', text: '你好', channel: 'api', idempotencyKey: 'b' });
    await service.handle({ conversationId: 'api:k3', text: '你好', channel: 'api' });
    await service.handle({ conversationId: 'api:k3', text: '你好', channel: 'api' });
    const other = await service.handle({ conversationId: 'api:k4', text: '你好', channel: 'api', idempotencyKey: 'a' });
    expect(other.replayed).toBeUndefined();
    expect(await turnsOf(store, 'api:k3')).toHaveLength(4);
    expect(await turnsOf(store, 'api:k4')).toHaveLength(1);
  });

  it('does not run the turn observers (handoff tickets) again for a retry', async () => {
    const store = await open();
    const service = serviceOn(store);
    let observed = 0;
    service.observe(() => void observed++);
    await service.handle({ conversationId: 'api:k5', text: '转人工', channel: 'api', idempotencyKey: 'h1' });
    await service.handle({ conversationId: 'api:k5', text: '转人工', channel: 'api', idempotencyKey: 'h1' });
    expect(observed).toBe(1);
  });

  it(`forgets a key after ${IDEMPOTENCY_TTL_MS / 3600_000} h and beyond the newest ${IDEMPOTENCY_KEYS_KEPT}`, async () => {
    const store = await open();
    const service = serviceOn(store);
    const t0 = new Date('2026-03-02T08:00:00Z');
    await service.handle({ conversationId: 'api:k6', text: '你好', channel: 'api', idempotencyKey: 'old', now: t0 });
    const later = new Date(t0.getTime() + IDEMPOTENCY_TTL_MS + 1000);
    expect((await service.handle({ conversationId: 'api:k6', text: '你好', channel: 'api', idempotencyKey: 'old', now: later })).replayed).toBeUndefined();
    expect(await turnsOf(store, 'api:k6')).toHaveLength(2);

    for (let i = 0; i <= IDEMPOTENCY_KEYS_KEPT; i++) await service.handle({ conversationId: 'api:k7', text: '你好', channel: 'api', idempotencyKey: `n${i}` });
    expect((await service.handle({ conversationId: 'api:k7', text: '你好', channel: 'api', idempotencyKey: `n${IDEMPOTENCY_KEYS_KEPT}` })).replayed).toBe(true);
    expect((await service.handle({ conversationId: 'api:k7', text: '你好', channel: 'api', idempotencyKey: 'n0' })).replayed).toBeUndefined();
    expect(await turnsOf(store, 'api:k7')).toHaveLength(IDEMPOTENCY_KEYS_KEPT + 2);
  });

  it('keeps the keys through a greeting', async () => {
    const store = await open();
    const service = serviceOn(store);
    await service.handle({ conversationId: 'api:k8', text: '你好', channel: 'api', idempotencyKey: 'g1' });
    await service.greet('api:k8', 'api');
    expect((await service.handle({ conversationId: 'api:k8', text: '你好', channel: 'api', idempotencyKey: 'g1' })).replayed).toBe(true);
    expect(await turnsOf(store, 'api:k8')).toHaveLength(2);
  });
});

describe('idempotency keys survive', () => {
  it('a restart of the embedded store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jianli-idem-restart-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const first = new LowdbStore(dir);
    const reply = await serviceOn(first).handle({ conversationId: 'api:r1', text: '注销要什么材料', channel: 'api', idempotencyKey: 'restart-1' });
    await first.close();
    const second = new LowdbStore(dir);
    const again = await serviceOn(second).handle({ conversationId: 'api:r1', text: '注销要什么材料', channel: 'api', idempotencyKey: 'restart-1' });
    const turns = await turnsOf(second, 'api:r1');
    await second.close();
    expect(again.replayed).toBe(true);
    expect(again.replies).toEqual(reply.replies);
    expect(turns).toHaveLength(1);
  });

  it('reaching another instance on the same Redis', async () => {
    const prefix = `idem${Math.random().toString(36).slice(2)}:`;
    const a = serviceOn(await stores.redis(prefix));
    const bStore = await stores.redis(prefix);
    const b = serviceOn(bStore);
    const reply = await a.handle({ conversationId: 'wechat:o1', text: '审批要多久', channel: 'wechat', idempotencyKey: '23990001112223334445' });
    const again = await b.handle({ conversationId: 'wechat:o1', text: '审批要多久', channel: 'wechat', idempotencyKey: '23990001112223334445' });
    expect(again.replayed).toBe(true);
    expect(again.replies).toEqual(reply.replies);
    expect(await turnsOf(bStore, 'wechat:o1')).toHaveLength(1);
  });
});
