/**
 * A turn's neutral replies as Bot Framework message activities: plain text, a choice card, and
 * for the turn that ends an interview the summary text plus the verdict card.
 */
import type { Activity } from 'botbuilder';
import type { Reply, TurnResult } from '../../engine/types';
import { choiceCard } from './cards';
import { summaryReplyIndex, verdictCard } from './verdict';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/**
 * A text message for the client at hand. Teams reads message text as markdown and joins single
 * line breaks, which flattens the numbered material lists; its `xml` (HTML) format keeps every
 * line and shows `*`, `_` or `1.` literally. Other clients (the Emulator, Web Chat) keep the
 * text as it is.
 */
export function textActivity(text: string, channelId: string | undefined): Partial<Activity> {
  if (channelId !== 'msteams') return { type: 'message', text };
  const html = text.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c]).replace(/\r?\n/g, '<br>');
  return { type: 'message', text: html, textFormat: 'xml' };
}

/** The notification preview of a card: its first line (Teams shows "sent a card" otherwise). */
function preview(text: string): string {
  return text.split('\n').find((l) => l.trim())?.trim() ?? '';
}

function replyActivities(reply: Reply, channelId: string | undefined): Partial<Activity>[] {
  if (!reply.choices?.length) return [textActivity(reply.text, channelId)];
  return [{ type: 'message', summary: preview(reply.text), attachments: [choiceCard(reply.text, reply.choices)] }];
}

/** Every activity to send for a turn, in order. */
export function turnActivities(result: Pick<TurnResult, 'replies' | 'verdict'>, channelId: string | undefined): Partial<Activity>[] {
  const { replies, verdict } = result;
  if (!verdict || !replies.length) return replies.flatMap((r) => replyActivities(r, channelId));
  const at = summaryReplyIndex(replies, verdict);
  return replies.flatMap((reply, i) => {
    if (i !== at) return replyActivities(reply, channelId);
    // The summary as is (complete, easy to copy), then the card that lays out what to do.
    return [
      textActivity(reply.text, channelId),
      { type: 'message', summary: preview(reply.text), attachments: [verdictCard(verdict, reply.text, reply.choices)] },
    ];
  });
}
