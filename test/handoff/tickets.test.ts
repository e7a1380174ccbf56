/** Handoff tickets through real turns: the three reasons, one open ticket, the summary, masking, the reply. */
import { afterAll, describe, expect, it } from 'vitest';
import { handoffService } from '../helpers/handoff';

const h = handoffService();
afterAll(() => h.cleanup());

const hotline = h.service.assistant.knowledge.messages.hotline;
const say = (conversationId: string, text: string, now?: Date) => h.service.handle({ conversationId, text, channel: 'web', now });
const tickets = (conversationId: string) => h.store.tickets.list(100, conversationId);
const replyText = (r: { replies: { text: string }[] }) => r.replies.map((x) => x.text).join('\n');

/** The user is told how a person answers: the hotline text (its hours are the province's, as it says). */
function expectHotlineAndHours(reply: string): void {
  expect(reply).toContain(hotline.split('\n')[0]);
  expect(reply).toMatch(/接听时间以当地公布为准/);
}

describe('handoff tickets', () => {
  it('opens a "requested" ticket for 转人工 and tells the user the hotline and its hours', async () => {
    await say('req', '注销需要什么材料');
    const r = await say('req', '转人工');
    expect(r.intent).toBe('handoff.human');
    expectHotlineAndHours(replyText(r));
    const [t, ...rest] = await tickets('req');
    expect(rest).toEqual([]);
    expect(t).toMatchObject({
      conversationId: 'req',
      channel: 'web',
      reason: 'requested',
      summary: { intentPath: ['process.materials', 'handoff.human'], lastMessages: ['注销需要什么材料', '转人工'] },
    });
    expect(t.id).toMatch(/^\d{8}-[0-9A-F]{6}$/);
    expect(h.delivered.map((d) => d.id)).toContain(t.id);
  });

  it('opens a "repeated_fallback" ticket on the second misunderstood message in a row, not the first', async () => {
    const first = await say('miss', 'asdf qwer zxcv');
    expect(first.intent).toBe('fallback');
    expect(await tickets('miss')).toEqual([]);
    const second = await say('miss', '我想买菜');
    expect(second.intent).toBe('fallback');
    expectHotlineAndHours(replyText(second));
    const [t] = await tickets('miss');
    expect(t).toMatchObject({ reason: 'repeated_fallback', summary: { intentPath: ['fallback', 'fallback'] } });
  });

  it.each([
    ['什么破系统，投诉', 'cmp-1'],
    ['我对你们的服务很不满意', 'cmp-2'],
    ['我要投訴你們', 'cmp-3'],
  ])('opens a "complaint" ticket for %s and answers with the hotline and hours', async (text, id) => {
    const r = await say(id, text);
    expectHotlineAndHours(replyText(r));
    const [t] = await tickets(id);
    expect(t?.reason).toBe('complaint');
  });

  it('opens no ticket for an ordinary question', async () => {
    await say('plain', '审批要多久');
    await say('plain', '谢谢');
    expect(await tickets('plain')).toEqual([]);
  });

  it('keeps one open ticket per conversation: repeats within 30 minutes add none, later ones do', async () => {
    const t0 = new Date('2026-04-01T02:00:00.000Z');
    const at = (min: number) => new Date(t0.getTime() + min * 60_000);
    await say('dup', '转人工', at(0));
    await say('dup', '转人工', at(1));
    await say('dup', '你们服务太差了，我要投诉', at(5));
    await say('dup', 'asdf qwer zxcv', at(6));
    await say('dup', '我想买菜', at(7));
    expect((await tickets('dup')).map((t) => t.createdAt)).toEqual([at(0).toISOString()]);
    await say('dup', '转人工', at(31));
    expect((await tickets('dup')).map((t) => t.createdAt)).toEqual([at(31).toISOString(), at(0).toISOString()]);
  });

  it('summarises the interview so far: facts in words and the verdict so far', async () => {
    await say('iv', '帮我看看我能不能注销');
    await say('iv', '我在南京，离职了，手上没有项目');
    const r = await say('iv', '转人工');
    // The interview carries on after answering the side request.
    expectHotlineAndHours(replyText(r));
    const [t] = await tickets('iv');
    expect(t.summary.intentPath).toEqual(['interview.start', 'interview.start', 'handoff.human']);
    expect(t.summary.interview?.goal).toBe('deregister');
    expect(t.summary.interview?.facts).toEqual(expect.arrayContaining(['注册地：江苏', '没有未结算的项目']));
    expect(t.summary.verdictSoFar).toMatchObject({ status: 'needs_info', blockers: [] });
    expect(t.summary.verdictSoFar?.missing).toContain('pendingAccidentLiability');
  });

  it('carries the verdict of an interview that has already ended', async () => {
    await say('done', '帮我看看我能不能注销');
    await say('done', '我在上海，离职了，还有一个项目没结算');
    for (const answer of ['没有', '不是', '修满了', '愿意']) await say('done', answer);
    const last = await say('done', '已解除且有证明');
    expect(last.verdict?.status).toBe('blocked');
    await say('done', '转人工');
    const [t] = await tickets('done');
    expect(t.summary.interview).toBeUndefined();
    expect(t.summary.verdictSoFar).toEqual({ status: 'blocked', blockers: ['UNSETTLED_PROJECTS'], missing: [] });
  });

  it('masks ID-card and mobile numbers in the ticket', async () => {
    await say('pii', '我的身份证是11010519900101123X，手机13812345678');
    await say('pii', '转人工');
    const [t] = await tickets('pii');
    const json = JSON.stringify(t);
    expect(json).not.toContain('11010519900101123X');
    expect(json).not.toContain('13812345678');
    expect(t.summary.lastMessages[0]).toBe('我的身份证是110105********123X，手机138****5678');
  });

  it('is gone with the conversation when it is forgotten', async () => {
    await say('gone', '转人工');
    expect(await tickets('gone')).toHaveLength(1);
    expect(await h.store.conversations.delete('gone')).toBe(true);
    expect(await tickets('gone')).toEqual([]);
    expect((await h.store.tickets.list(1000)).some((t) => t.conversationId === 'gone')).toBe(false);
  });
});
