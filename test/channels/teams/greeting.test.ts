/** conversationUpdate/membersAdded over real HTTP: a new person is greeted, the bot alone is not. */
import { describe, expect, it } from 'vitest';
import { activity, cardOf, cardTexts, post, harnessForFile } from './harness';

const t = harnessForFile();

const user = { id: 'user-1', name: 'User' };
const bot = { id: 'bot-1', name: 'Bot' };

describe('Teams channel: new members', () => {
  it('greets a user who joins, with the service greeting and its choices as buttons', async () => {
    // The Emulator announces both the user and the bot when a conversation starts.
    const res = await post(t.h, activity(t.h, 'welcome', { type: 'conversationUpdate', membersAdded: [user, bot] }));
    expect(res.status).toBe(200);
    expect(res.sent).toHaveLength(1);
    const greeting = (await t.service.history('teams:welcome'))[0].replies[0];
    const card = cardOf(res.sent[0])!;
    expect(cardTexts(card.body).join('\n')).toBe(greeting.text);
    expect(card.actions!.map((a) => a.title)).toEqual(greeting.choices);
  });

  it('stays quiet when only the bot joins a group conversation', async () => {
    const res = await post(t.h, activity(t.h, 'group', { type: 'conversationUpdate', membersAdded: [bot] }));
    expect(res.status).toBe(200);
    expect(res.sent).toEqual([]);
    expect(await t.service.history('teams:group')).toEqual([]);
  });

  it('greets when the app is installed for a personal chat (Teams then lists only the bot)', async () => {
    const res = await post(
      t.h,
      activity(t.h, 'a:personal', {
        type: 'conversationUpdate',
        channelId: 'msteams',
        conversation: { id: 'a:personal', conversationType: 'personal' },
        membersAdded: [bot],
      }),
    );
    expect(res.status).toBe(200);
    expect(res.sent).toHaveLength(1);
    expect(cardOf(res.sent[0])).toBeDefined();
  });

  it('answers other conversation updates with 200 and no message', async () => {
    const res = await post(t.h, activity(t.h, 'left', { type: 'conversationUpdate', membersRemoved: [user] }));
    expect(res.status).toBe(200);
    expect(res.sent).toEqual([]);
  });
});
