/**
 * The way to a person, as a button (web, Teams), a numbered line (console, WeChat) or a card
 * offered as a choice, says what picking it does: on every channel without live agents the reply
 * gives the hotline and says the assistant cannot put the user through, so the label must not
 * promise a transfer (转人工, 转接, 接通); on WeChat with WECHAT_LIVE_AGENTS=1 the same label does
 * hand over (test/channels/wechat/choices-transfer.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { handoffService } from '../helpers/handoff';

const h = handoffService();
afterAll(() => h.cleanup());
const k = h.service.assistant.knowledge;
const label = k.messages.handoffChoice;
const PROMISES_TRANSFER = /转人工|转接|接通|人工坐席/;
const replyText = (r: { replies: { text: string }[] }) => r.replies.map((x) => x.text).join('\n');

describe('the way to a person', () => {
  it('is offered after a message nothing answers, under a label that promises no transfer', async () => {
    const miss = await h.service.handle({ conversationId: 'label-1', text: '红烧排骨怎么做', channel: 'web' });
    const choices = miss.replies.flatMap((r) => r.choices ?? []);
    expect(choices).toContain(label);
    expect(label).not.toMatch(PROMISES_TRANSFER);
  });

  it.each(['web', 'teams', 'console'])('picked on %s, the reply does what the label says: how to contact a person, no transfer', async (channel) => {
    const id = `label-${channel}`;
    const miss = await h.service.handle({ conversationId: id, text: '红烧排骨怎么做', channel });
    const n = miss.replies.flatMap((r) => r.choices ?? []).indexOf(label) + 1;
    expect(n).toBeGreaterThan(0);
    const picked = await h.service.handle({ conversationId: id, text: String(n), channel });
    expect(picked.intent).toBe('handoff.human');
    const reply = replyText(picked);
    // The reply names what the label offers, and is honest that nobody is put through.
    expect(reply).toContain(label);
    expect(reply).toContain('不能直接接通人工');
    expect(reply).toContain('12345');
    // The label itself can also be typed.
    const typed = await h.service.handle({ conversationId: `${id}-typed`, text: label, channel });
    expect(typed.intent).toBe('handoff.human');
  });

  it('the handoff answer card, offered as a choice by its question, promises no transfer either', () => {
    const card = k.cards.byId.get('handoff.human_card');
    expect(card).toBeDefined();
    expect(card!.question).not.toMatch(PROMISES_TRANSFER);
    expect(card!.answer).toContain('不能直接接通人工');
    // Typing 转人工 still reaches it.
    expect(card!.phrasings).toContain('转人工');
  });
});
