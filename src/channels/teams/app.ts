/**
 * The teams-ai Application: routes only, no AI planner. A message, a choice button or a new
 * member becomes one call to the chat service; the replies are rendered by ./render.
 */
import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import { Application, type TeamsAdapter } from '@microsoft/teams-ai';
import type { TurnResult } from '../../engine/types';
import type { ChatService } from '../../service/types';
import { CHOICE_VERB, choiceFromSubmit, type ChoiceSubmitData } from './cards';
import { turnActivities } from './render';

/** The channel name the service records in transcripts. */
export const TEAMS_CHANNEL = 'teams';

/** One conversation per Teams conversation (a personal chat, a group chat or a channel thread). */
export function teamsConversationId(activity: Activity): string {
  return `teams:${activity.conversation.id}`;
}

async function send(context: TurnContext, result: TurnResult): Promise<void> {
  const activities = turnActivities(result, context.activity.channelId);
  if (activities.length) await context.sendActivities(activities);
}

async function answer(context: TurnContext, service: ChatService, text: string, choiceOfTurn?: number): Promise<void> {
  // A typing indicator while the turn runs (the engine and the store may take a moment under load).
  await context.sendActivity({ type: ActivityTypes.Typing });
  // The activity id makes a redelivered activity a replay of its stored turn, not a second turn.
  const id: unknown = context.activity.id;
  const result = await service.handle({
    conversationId: teamsConversationId(context.activity),
    text,
    channel: TEAMS_CHANNEL,
    ...(typeof id === 'string' && id ? { idempotencyKey: id } : {}),
    ...(choiceOfTurn !== undefined ? { choiceOfTurn } : {}),
  });
  await send(context, result);
}

/**
 * Whether a membersAdded update should be greeted: a person joined, or (Teams only sends the
 * bot's own id when a user installs the app for a personal chat) the bot joined a 1:1 chat.
 */
export function greetsNewMember(activity: Activity): boolean {
  const botId = activity.recipient?.id;
  const added = activity.membersAdded ?? [];
  if (added.some((m) => m.id !== botId)) return true;
  return activity.conversation?.conversationType === 'personal' && added.some((m) => m.id === botId);
}

export function createTeamsApplication(service: ChatService, adapter: TeamsAdapter): Application {
  const app = new Application({
    adapter,
    // The handler sends one typing indicator itself before each turn.
    startTypingTimer: false,
    // In channels the text starts with "<at>bot</at>"; the service should see the question only.
    removeRecipientMention: true,
  });

  // A choice button. Registered before the message route: teams-ai runs the first route that matches.
  // In Teams the button is a messageBack: the label shows in the chat as the user's message.
  app.adaptiveCards.actionSubmit<ChoiceSubmitData>(CHOICE_VERB, async (context, _state, data) => {
    const picked = choiceFromSubmit(data);
    if (picked) await answer(context, service, picked.choice, picked.askedAt);
  });

  app.activity(ActivityTypes.Message, async (context) => {
    const { text, value } = context.activity;
    // A submit from a card that is not ours carries no question; answering it would confuse.
    if (!text?.trim() && value !== undefined && value !== null) return;
    // An attachment-only message still gets the service's answer to an empty question.
    await answer(context, service, text ?? '');
  });

  app.conversationUpdate('membersAdded', async (context) => {
    if (!greetsNewMember(context.activity)) return;
    await send(context, await service.greet(teamsConversationId(context.activity), TEAMS_CHANNEL));
  });

  return app;
}
