/**
 * The handoff observer: after each stored turn, opens a ticket when the user asked for a person,
 * complained, or was misunderstood twice in a row; stores it and passes it on (the webhook).
 * It runs inside the conversation's exclusive section, so the one-open-ticket check cannot race
 * with another turn of the same conversation, on any instance.
 */
import { randomBytes } from 'node:crypto';
import type { Knowledge } from '../knowledge/load';
import type { TurnObserver } from '../service/chat';
import type { ConversationStore } from '../store/types';
import { handoffReason } from './reason';
import type { HandoffSettings } from './settings';
import { summarizeConversation } from './summary';
import type { HandoffTicket } from './types';

export interface HandoffObserverOptions {
  store: Pick<ConversationStore, 'transcripts' | 'tickets'>;
  /** The knowledge answering now (a getter: a knowledge reload swaps it). */
  knowledge: () => Knowledge;
  settings: HandoffSettings;
  /** Called with each new ticket after it is stored (e.g. the webhook); must not throw. */
  deliver?: (ticket: HandoffTicket) => void;
}

/** A ticket id staff can read out on the phone: the day and six hex digits, e.g. 20261128-4F3A9C. */
export function newTicketId(at: Date): string {
  return `${at.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

export function handoffObserver({ store, knowledge, settings, deliver }: HandoffObserverOptions): TurnObserver {
  return async ({ req, record, result, previous }) => {
    const reason = handoffReason(req.text, result, previous, settings.complaintWords);
    if (!reason) return;
    const at = new Date(record.at);
    const [latest] = await store.tickets.list(1, req.conversationId);
    if (latest && at.getTime() - Date.parse(latest.createdAt) < settings.openMinutes * 60_000) return;
    const logged = await store.transcripts.read(req.conversationId);
    const turns = logged.length ? logged : [record];
    const ticket: HandoffTicket = {
      id: newTicketId(at),
      conversationId: req.conversationId,
      channel: req.channel,
      createdAt: record.at,
      reason,
      summary: summarizeConversation({ turns, result, previous, knowledge: knowledge(), limits: settings.summary }),
    };
    await store.tickets.save(ticket);
    deliver?.(ticket);
  };
}
