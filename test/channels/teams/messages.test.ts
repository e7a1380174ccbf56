/**
 * The Teams channel over real HTTP: Emulator-style activities in, what the bot posts to the
 * stand-in connector out. Expected wording is checked against the service's own replies.
 */
import { describe, expect, it } from 'vitest';
import { activity, cardOf, cardTexts, post, harnessForFile, type OutgoingActivity } from './harness';

const t = harnessForFile();

/** Sends one user message and returns what the bot posted back. */
async function say(conversation: string, text: string, extra: Record<string, unknown> = {}): Promise<OutgoingActivity[]> {
  const res = await post(t.h, activity(t.h, conversation, { text, ...extra }));
  expect(res.status).toBe(200);
  return res.sent;
}

/** Clicks a choice button: an Emulator/Teams submit carries the button's data as `value`, no text. */
async function click(conversation: string, data: Record<string, unknown>): Promise<OutgoingActivity[]> {
  const res = await post(t.h, activity(t.h, conversation, { value: data }));
  expect(res.status).toBe(200);
  return res.sent;
}

/** All visible text of a turn's activities: message text and every TextBlock of every card. */
function allText(sent: OutgoingActivity[]): string {
  return sent.map((a) => [a.text ?? '', ...cardTexts(cardOf(a)?.body ?? [])].join('\n')).join('\n');
}

describe('Teams channel: messages', () => {
  it('runs in emulator mode (JIANLI_TEAMS_EMULATOR=1, no credentials, a loopback serviceUrl)', () => {
    expect(t.h.mode).toBe('emulator');
    expect(t.h.connectorUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it('answers a FAQ question with the service text and its related questions as buttons', async () => {
    const sent = await say('faq', '注销需要什么材料');
    expect(sent).toHaveLength(1);
    const card = cardOf(sent[0]);
    expect(card?.type).toBe('AdaptiveCard');
    expect(['1.4', '1.5']).toContain(card?.version);
    expect(cardTexts(card!.body).join('\n')).toContain('身份证件');
    // The buttons are exactly the choices the service offered for that answer.
    const history = await t.service.history('teams:faq');
    const offered = history.at(-1)!.replies[0].choices!;
    expect(card!.actions!.map((a) => a.type)).toEqual(offered.map(() => 'Action.Submit'));
    expect(card!.actions!.map((a) => a.title)).toEqual(offered);
    expect(card!.actions!.map((a) => a.data.jianliChoice)).toEqual(offered);
  });

  it('replies to the incoming activity (POST .../activities/:replyToId) in its conversation', async () => {
    const before = t.h.posted.length;
    const res = await post(t.h, activity(t.h, 'threaded', { id: 'msg-42', text: '注销需要什么材料' }));
    expect(res.status).toBe(200);
    // A typing indicator first, then the answer: both in the conversation, replying to the activity.
    expect(t.h.posted.slice(before).map((p) => [p.activity.type, p.conversationId, p.replyToId])).toEqual([
      ['typing', 'threaded', 'msg-42'],
      ['message', 'threaded', 'msg-42'],
    ]);
  });

  it('posts to .../activities when the incoming activity has no id', async () => {
    const before = t.h.posted.length;
    const a = activity(t.h, 'no-id', { text: '注销需要什么材料' });
    delete a.id;
    expect((await post(t.h, a)).status).toBe(200);
    expect(t.h.posted.slice(before).map((p) => [p.activity.type, p.conversationId, p.replyToId])).toEqual([
      ['typing', 'no-id', undefined],
      ['message', 'no-id', undefined],
    ]);
  });

  it('sends a reply without choices as a plain message and one with choices as a card', async () => {
    const sent = await say('start', '帮我看看我能不能注销');
    expect(sent).toHaveLength(2);
    expect(sent[0].type).toBe('message');
    expect(sent[0].attachments ?? []).toHaveLength(0);
    const history = await t.service.history('teams:start');
    const [intro, question] = history.at(-1)!.replies;
    expect(sent[0].text).toBe(intro.text);
    const card = cardOf(sent[1])!;
    expect(cardTexts(card.body).join('\n')).toBe(question.text);
    expect(card.actions!.map((a) => a.title)).toEqual(question.choices);
    expect(card.fallbackText).toContain(question.text);
  });

  it('feeds a clicked choice back to the service as the user message', async () => {
    const first = await say('click', '帮我看看我能不能注销');
    const regionCard = cardOf(first[1])!;
    const shanghai = regionCard.actions!.find((a) => a.title === '上海')!;
    const sent = await click('click', shanghai.data);
    const history = await t.service.history('teams:click');
    expect(history.at(-1)!.text).toBe('上海');
    expect(sent[0].text).toBe(history.at(-1)!.replies[0].text);
    expect(sent[0].text).toContain('上海');
    // The interview moved on to its next question, again as a card.
    expect(cardOf(sent[1])?.actions?.length).toBeGreaterThan(0);
  });

  it('ignores a submit from a card that is not ours', async () => {
    const sent = await click('foreign', { verb: 'something.else', x: 1 });
    expect(sent).toEqual([]);
    expect(await t.service.history('teams:foreign')).toEqual([]);
  });

  it('ends a whole interview with one complete verdict card, its headline as the notification text', async () => {
    const c = 'interview';
    let last: OutgoingActivity[] = [];
    for (const line of ['帮我看看我能不能注销', '我在上海，退休了，没有项目', '没有', '没有', '愿意', '有']) last = await say(c, line);
    const summary = (await t.service.history(`teams:${c}`)).at(-1)!.replies.at(-1)!.text;
    // The summary is not sent again as text beside the card.
    expect(last.find((a) => a.text === summary)).toBeUndefined();
    const verdict = last.at(-1)!;
    const card = cardOf(verdict)!;
    const texts = cardTexts(card.body);
    const headline = summary.split('\n')[0];
    expect(texts[0]).toBe(headline);
    expect(verdict.summary).toBe(headline);
    // Every line of the summary is on the card: the recap, the checklist, the steps, the dates, the regional note.
    for (const line of summary
      .split('\n')
      .map((l) => l.trim().replace(/^【(.+)】$/, '$1'))
      .filter(Boolean))
      expect(texts).toContain(line);
    expect(texts).toContain('您的情况');
    expect(texts).toContain('您的材料清单');
    expect(texts.some((t) => t.startsWith('☐ 身份证复印件'))).toBe(true);
    expect(texts.some((t) => t.includes('个工作日'))).toBe(true);
    expect(texts.join('\n')).not.toContain('需要先解决');
    expect(card.fallbackText).toBe(summary);
  });

  it('sends a typing indicator before each answer', async () => {
    const res = await post(t.h, activity(t.h, 'typing', { text: '注销要多久' }));
    expect(res.typing).toBe(1);
    expect(res.sent.length).toBeGreaterThan(0);
  });

  it("makes choice buttons messageBack actions, so a click shows as the user's message in Teams", async () => {
    const sent = await say('echo', '帮我看看我能不能注销');
    const action = cardOf(sent[1])!.actions![0];
    const data = action.data as { jianliChoice: string; askedAt: number; msteams: { type: string; displayText: string; value: { jianliChoice: string } } };
    expect(data.msteams.type).toBe('messageBack');
    expect(data.msteams.displayText).toBe(action.title);
    expect(data.msteams.value.jianliChoice).toBe(action.title);
    // As Teams delivers a messageBack: the text and the value.
    const res = await post(t.h, activity(t.h, 'echo', { text: data.msteams.displayText, value: data.msteams.value }));
    expect(res.status).toBe(200);
    expect((await t.service.history('teams:echo')).at(-1)!.text).toBe(action.title);
  });

  it('answers a click on an old card as moved on, without acting on it or storing it', async () => {
    const first = await say('stale', '单位不给我办注销');
    const oldButtons = cardOf(first.at(-1)!)!.actions!;
    await say('stale', '注销需要多久');
    const turnsBefore = (await t.service.history('teams:stale')).length;
    const res = await click('stale', oldButtons[0].data);
    expect(allText(res)).toContain('前面的问题');
    expect((await t.service.history('teams:stale')).length).toBe(turnsBefore);
    // A button of the latest card still works.
    const fresh = await say('stale2', '单位不给我办注销');
    const current = cardOf(fresh.at(-1)!)!.actions![0];
    const ok = await click('stale2', current.data);
    expect(allText(ok)).not.toContain('前面的问题');
    expect((await t.service.history('teams:stale2')).at(-1)!.text).toBe(current.title);
  });

  it('shows blockers with their remedies and the warnings on the verdict card', async () => {
    const c = 'blocked';
    let last: OutgoingActivity[] = [];
    for (const line of ['帮我看看我能不能注销', '我在上海，离职了，还有一个项目没结算', '没有', '没有', '还没修满', '不愿意', '还没有'])
      last = await say(c, line);
    const summary = (await t.service.history(`teams:${c}`)).at(-1)!.replies.at(-1)!.text;
    const texts = cardTexts(cardOf(last.at(-1)!)!.body);
    // Every line of the card is a line of the summary (headings without their brackets).
    for (const t of texts) expect(summary.includes(t) || summary.includes(`【${t}】`)).toBe(true);
    const blockerAt = texts.indexOf('需要先解决');
    expect(blockerAt).toBeGreaterThan(0);
    expect(texts[blockerAt + 1]).toContain('未完成结算');
    expect(texts[blockerAt + 2]).toMatch(/^办法：.*第十五条/);
    expect(texts).toContain('需要注意');
    // Unfinished hours are a warning, never a blocker (第十五条 sets no such condition).
    expect(texts.slice(texts.indexOf('需要注意')).join('\n')).toContain('不挡注销');
    expect(texts.join('\n')).toContain('原单位不配合');
    expect(texts.indexOf('您的材料清单')).toBeGreaterThan(blockerAt);
    expect(texts.indexOf('接下来')).toBeGreaterThan(texts.indexOf('您的材料清单'));
    expect(allText(last)).toContain(summary.split('\n')[0]);
  });

  it('formats text for the Teams client as HTML with line breaks kept', async () => {
    const sent = await say('msteams', '帮我看看我能不能注销', { channelId: 'msteams', conversation: { id: 'msteams', conversationType: 'personal' } });
    expect(sent[0].textFormat).toBe('xml');
    expect(sent[0].text).toContain('注销');
    expect(sent[0].text).not.toContain('\n');
  });

  it('strips an @mention of the bot before asking the service', async () => {
    const sent = await say('mention', '<at>Bot</at> 注销需要什么材料', {
      entities: [{ type: 'mention', text: '<at>Bot</at>', mentioned: { id: 'bot-1', name: 'Bot' } }],
    });
    expect((await t.service.history('teams:mention')).at(-1)!.text).toBe('注销需要什么材料');
    expect(allText(sent)).toContain('身份证件');
  });
});

describe('Teams text formatting', () => {
  it('keeps the indent of 办法 / 来源 lines in Teams HTML text', async () => {
    const { textActivity } = await import('../../../src/channels/teams/render');
    expect(textActivity('1. 未结项目\n   办法：先结算', 'msteams').text).toBe('1. 未结项目<br>&nbsp;&nbsp;&nbsp;办法：先结算');
    expect(textActivity('a\n   b', 'emulator').text).toBe('a\n   b');
  });
});
