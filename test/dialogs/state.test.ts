import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { activeInterview, finishedCheck, readState } from '../../src/engine/state';
import { newConversationState, type ConversationState } from '../../src/engine/types';
import { AssistantChatService } from '../../src/service/chat';
import { LowdbStore } from '../../src/store/lowdb';
import { sharedAssistant } from '../helpers/assistant';

const check = { goal: 'deregister', situation: { goal: 'deregister', region: '上海', reason: 'left_employer' }, asked: ['region', 'reason'], skipped: [], tries: 0 };

/** States as version 1 of the engine stored them. */
const v1 = {
  inFlow: { version: 1, flow: { id: 'employer_refusal', step: 'ask_proof', intent: 'faq.employer_refusal', tries: 1 }, choices: [{ label: '有证明材料', target: { answer: 'yes' } }, { label: '没有', target: { answer: 'no' } }], fallbackStreak: 0, turns: 1, lastSources: [], lastIntent: 'faq.employer_refusal' },
  inInterview: { version: 1, interview: { ...check, current: 'unsettledProjects' }, choices: [], fallbackStreak: 0, turns: 3, lastSources: [], region: '上海' },
  afterVerdict: { version: 1, lastCheck: check, flow: { id: 'blacklist', step: 'answer', intent: 'faq.blacklist', tries: 0, idle: true }, choices: [], fallbackStreak: 0, turns: 5, lastSources: [] },
};

describe('the conversation state', () => {
  it('is one stack of frames, JSON-serialisable', () => {
    const a = sharedAssistant();
    let state: ConversationState = newConversationState();
    for (const text of ['帮我看看能不能注销', '江苏，离职，没有项目，没有事故，没有处罚，继续教育修满了，单位同意，合同解除了有证明', '会被拉黑吗']) state = a.turn(state, { text }).state;
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state.stack.map((f) => f.kind)).toEqual(['interview', 'faq']);
    expect(finishedCheck(state)?.situation.region).toBe('江苏');
    expect(activeInterview(state)).toBeUndefined();
    expect(Object.keys(state)).not.toContain('flow');
  });

  it('reads version-1 states: flow, interview and last check become frames', () => {
    const flow = readState(v1.inFlow);
    expect(flow.version).toBe(2);
    expect(flow.stack).toEqual([{ kind: 'faq', dialog: 'employer_refusal', step: 'ask_proof', intent: 'faq.employer_refusal', tries: 1 }]);
    expect(flow.choices.map((c) => c.target)).toEqual([{ answer: '有证明材料' }, { answer: '没有' }]);
    expect(Object.keys(flow)).not.toContain('flow');
    expect(activeInterview(v1.inInterview)?.current).toBe('unsettledProjects');
    const after = readState(v1.afterVerdict);
    expect(after.stack.map((f) => f.kind)).toEqual(['interview', 'faq']);
    expect(after.stack[1]).toMatchObject({ aside: true });
    expect(finishedCheck(v1.afterVerdict)?.situation.reason).toBe('left_employer');
  });

  it('reads anything else as a new conversation rather than failing', () => {
    for (const junk of [undefined, null, 42, 'x', [], { version: 1, interview: { goal: 7 } }, { version: 2, stack: 'no' }]) {
      const s = readState(junk);
      expect(Array.isArray(s.stack)).toBe(true);
      expect(s.turns).toBeGreaterThanOrEqual(0);
    }
  });

  describe('stored by an earlier version, a conversation carries on through the chat service', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jianli-state-v1-'));
    const store = new LowdbStore(dir);
    // The store's background checkpoint must end before its folder goes.
    afterAll(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const service = new AssistantChatService(sharedAssistant(), store);
    const record = { at: new Date().toISOString(), channel: 'test', text: '', intent: 'fallback' as const, confidence: 1, replies: [] };

    it('a FAQ follow-up waiting for its answer takes it', async () => {
      await store.conversations.write('v1-flow', v1.inFlow as unknown as ConversationState, record);
      const r = await service.handle({ conversationId: 'v1-flow', text: '有', channel: 'test' });
      expect(r.replies.map((x) => x.text).join('\n')).toContain('有证明材料就好办');
      expect(r.state.version).toBe(2);
    });

    it('an interview in progress continues with its next question', async () => {
      await store.conversations.write('v1-interview', v1.inInterview as unknown as ConversationState, record);
      const r = await service.handle({ conversationId: 'v1-interview', text: '没有', channel: 'test' });
      const text = r.replies.map((x) => x.text).join('\n');
      expect(text).toContain('已记下：没有未结算的项目');
      expect(text).toContain('质量安全事故');
    });

    it('a check finished before is reopened by a correction', async () => {
      await store.conversations.write('v1-check', { ...v1.afterVerdict, flow: undefined } as unknown as ConversationState, record);
      const r = await service.handle({ conversationId: 'v1-check', text: '我刚才说错了，我是退休了', channel: 'test' });
      expect(r.replies.map((x) => x.text).join('\n')).toContain('已更正：注销原因：退休');
    });
  });
});
