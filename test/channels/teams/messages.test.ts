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
    expect(cardTexts(card!.body).join('\n')).toContain('身份证复印件');
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
    expect(t.h.posted.slice(before).map((p) => [p.conversationId, p.replyToId])).toEqual([['threaded', 'msg-42']]);
  });

  it('posts to .../activities when the incoming activity has no id', async () => {
    const before = t.h.posted.length;
    const a = activity(t.h, 'no-id', { text: '注销需要什么材料' });
    delete a.id;
    expect((await post(t.h, a)).status).toBe(200);
    expect(t.h.posted.slice(before).map((p) => [p.conversationId, p.replyToId])).toEqual([['no-id', undefined]]);
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

  it('ends a whole interview with the summary text and the verdict card', async () => {
    const c = 'interview';
    let last: OutgoingActivity[] = [];
    for (const line of ['帮我看看我能不能注销', '我在上海，退休了，没有项目', '没有', '没有', '修满了', '愿意', '有']) last = await say(c, line);
    const summary = (await t.service.history(`teams:${c}`)).at(-1)!.replies.at(-1)!.text;
    // The summary as is, then the card.
    const textMessage = last.find((a) => a.text === summary);
    expect(textMessage).toBeDefined();
    const card = cardOf(last.at(-1)!)!;
    const texts = cardTexts(card.body);
    const headline = summary.split('\n')[0];
    expect(texts[0]).toBe(headline);
    expect(texts).toContain('您的材料清单');
    expect(texts.some((t) => t.startsWith('☐ 身份证复印件'))).toBe(true);
    expect(texts).toContain('接下来');
    expect(texts.some((t) => t.startsWith('1. ') && summary.includes(t))).toBe(true);
    // Nothing blocks this user, so the card has no blocker section.
    expect(texts.join('\n')).not.toContain('需要先解决');
    expect(card.fallbackText).toBe(summary);
  });

  it('shows blockers with their remedies and the warnings on the verdict card', async () => {
    const c = 'blocked';
    let last: OutgoingActivity[] = [];
    for (const line of ['帮我看看我能不能注销', '我在上海，离职了，还有一个项目没结算', '没有', '没有', '还没修满', '不愿意', '还没有']) last = await say(c, line);
    const summary = (await t.service.history(`teams:${c}`)).at(-1)!.replies.at(-1)!.text;
    const texts = cardTexts(cardOf(last.at(-1)!)!.body);
    // Every line of the card is a line of the summary (headings without their brackets).
    for (const t of texts) expect(summary.includes(t) || summary.includes(`【${t}】`)).toBe(true);
    const blockerAt = texts.indexOf('需要先解决');
    expect(blockerAt).toBeGreaterThan(0);
    expect(texts[blockerAt + 1]).toContain('未完成结算');
    expect(texts[blockerAt + 2]).toMatch(/^办法：先与原单位办结/);
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
    expect(allText(sent)).toContain('身份证复印件');
  });
});
