/** A complaint answered on its content also gets an apology and the way to a person, stored with the turn. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHandoffSettings } from '../../src/handoff/settings';
import { AssistantChatService } from '../../src/service/chat';
import { LowdbStore } from '../../src/store/lowdb';
import { sharedAssistant } from '../helpers/assistant';

const dataDir = mkdtempSync(join(tmpdir(), 'jianli-complaint-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const service = new AssistantChatService(sharedAssistant(), new LowdbStore(dataDir), { complaintWords: loadHandoffSettings().complaintWords });
const { hotline } = sharedAssistant().knowledge.messages;
const say = (conversationId: string, text: string) => service.handle({ conversationId, text, channel: 'web' });

describe('complaints', () => {
  it('answers the question and adds an apology with the hotline, and stores both', async () => {
    const r = await say('c1', '你们这什么破系统，注销了三个礼拜了还没批下来！');
    expect(r.intent).toBe('process.approval_time');
    // The fact asked about: deregistration has no statutory time limit (第八条 sets none for it).
    expect(r.replies[0].text).toMatch(/(注销没有法定时限|没有给注销定时限)/u);
    expect(r.replies[0].text).toContain('第八条');
    expect(r.replies.at(-1)!.text).toContain('很抱歉给您带来不便');
    expect(r.replies.at(-1)!.text).toContain(hotline);
    const turns = await service.store.transcripts.read('c1');
    expect(turns.at(-1)?.replies.at(-1)?.text).toContain('很抱歉给您带来不便');
  });

  it('adds nothing to an ordinary question, nor to an answer that already gives the hotline', async () => {
    const plain = await say('c2', '注销要多久');
    expect(plain.replies.map((x) => x.text).join('\n')).not.toContain('很抱歉给您带来不便');
    const handoff = await say('c3', '我要投诉，转人工');
    const text = handoff.replies.map((x) => x.text).join('\n');
    expect(text.split(hotline).length - 1).toBe(1);
  });
});
