/** The engine on its own thread (src/engine/thread.ts): same answers, knowledge reloads, and a failed thread never costs an answer. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Assistant } from '../../src/engine/assistant';
import { EngineThread, EngineThreadDown, engineThreadWanted } from '../../src/engine/thread';
import { newConversationState, type TurnResult } from '../../src/engine/types';
import { DEFAULT_ROOT, loadKnowledge } from '../../src/knowledge/load';
import { reloadKnowledge } from '../../src/knowledge/reload';
import { AssistantChatService } from '../../src/service/chat';
import { LowdbStore } from '../../src/store/lowdb';
import { sharedAssistant } from '../helpers/assistant';
import { tempDirs } from '../helpers/temp';
import { FULL_CONVERSATION } from '../helpers/scripts';

const { temp, knowledgeCopy, cleanup } = tempDirs();
afterAll(cleanup);

const NOW = new Date('2026-11-20T10:00:00+08:00');
const heldout = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'heldout.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t')[0]);
/** Whole conversations, so the state each turn leaves is carried into the next. */
const CONVERSATIONS = [
  [...FULL_CONVERSATION],
  ['我想注销', '帮我看看我能不能注销', '北京', '还在原单位', '有一个在建项目', '没有', '不知道', '算了', '转人工'],
  ['我的身份证号是110101199003071234，手机13800138000', '单位不给开同意注销函怎么办', '1', '黑名单会影响吗', '再见'],
];

async function conversation(
  turn: (s: ReturnType<typeof newConversationState>, text: string) => Promise<TurnResult> | TurnResult,
  texts: string[],
): Promise<TurnResult[]> {
  const out: TurnResult[] = [];
  let state = newConversationState();
  for (const text of texts) {
    const r = await turn(state, text);
    out.push(r);
    state = r.state;
  }
  return out;
}

describe('EngineThread', () => {
  it('answers every turn exactly as the assistant on the main thread (held-out questions and whole interviews)', async () => {
    const thread = new EngineThread(DEFAULT_ROOT);
    await thread.ready();
    const local = sharedAssistant();
    try {
      // Sent all at once, as a busy server would: they go over in batches.
      const remote = await Promise.all(heldout.map((text) => thread.turn(newConversationState(), { text, channel: 'api', now: NOW })));
      expect(remote).toEqual(heldout.map((text) => local.turn(newConversationState(), { text, channel: 'api', now: NOW })));
      for (const texts of CONVERSATIONS) {
        const viaThread = await conversation((s, text) => thread.turn(s, { text, channel: 'web', now: NOW }), texts);
        const onMain = await conversation((s, text) => local.turn(s, { text, channel: 'web', now: NOW }), texts);
        expect(viaThread).toEqual(onMain);
      }
      expect(CONVERSATIONS[0].length).toBe(12);
    } finally {
      await thread.stop();
    }
    await expect(thread.turn(newConversationState(), { text: '你好' })).rejects.toBeInstanceOf(EngineThreadDown);
  }, 60_000);

  it('a thread that cannot load its knowledge says so, and the chat service answers on the main thread and keeps the turn', async () => {
    const broken = temp('jianli-thread-broken-');
    const thread = new EngineThread(broken);
    await expect(thread.ready()).rejects.toThrow(/engine thread could not start: knowledge\/sources.yaml: .*file is missing/);
    const logged: string[] = [];
    const store = new LowdbStore(temp('jianli-thread-data-'));
    // As the server builds it beside a thread: the assistant trains only when the thread is gone.
    const service = new AssistantChatService(new Assistant(loadKnowledge(), { lazy: true }), store, { thread, log: (l) => logged.push(l) });
    const r = await service.handle({ conversationId: 'broken-thread', text: '注销需要什么材料', channel: 'api' });
    expect(r.intent).toBe('process.materials');
    expect(logged.join('\n')).toMatch(/could not start.*turns run on the main thread/s);
    expect((await store.transcripts.read('broken-thread')).map((t) => t.intent)).toEqual(['process.materials']);
    await service.close();
    await store.close();
  }, 60_000);

  it('after a knowledge reload, the next turn is answered from the new knowledge on a new thread', async () => {
    const root = knowledgeCopy('jianli-thread-reload-');
    const thread = new EngineThread(root);
    await thread.ready();
    const store = new LowdbStore(temp('jianli-thread-reload-data-'));
    const service = new AssistantChatService(new Assistant(loadKnowledge(root)), store, { thread });
    const photo = async () => (await service.handle({ conversationId: `p${Math.random()}`, text: '照片有什么要求', channel: 'api' })).replies[0].text;
    expect(await photo()).not.toContain('已更新');
    const file = join(root, 'knowledge', 'cards', 'process.photo.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('白色背景、', '白色背景（已更新）、'));
    expect(reloadKnowledge(service)).toMatchObject({ ok: true });
    expect(await photo()).toContain('已更新');
    await expect(thread.turn(newConversationState(), { text: '你好' })).rejects.toBeInstanceOf(EngineThreadDown);
    await service.close();
    await store.close();
  }, 60_000);
});

describe('JIANLI_ENGINE_THREAD', () => {
  it('1 and 0 switch the thread on and off; anything else stops start-up with the allowed values', () => {
    expect(engineThreadWanted({ JIANLI_ENGINE_THREAD: '1' })).toBe(true);
    expect(engineThreadWanted({ JIANLI_ENGINE_THREAD: '0' })).toBe(false);
    expect(() => engineThreadWanted({ JIANLI_ENGINE_THREAD: 'yes' })).toThrow(
      'JIANLI_ENGINE_THREAD must be 1 (engine on its own thread) or 0 (on the event loop)',
    );
  });
});
