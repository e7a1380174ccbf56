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
  // Leading spaces (the indented 办法 / 来源 lines) would collapse in HTML: keep them as &nbsp;.
  const html = text
    .replace(/[&<>"]/g, (c) => HTML_ESCAPES[c])
    .replace(/^ +/gm, (m) => '&nbsp;'.repeat(m.length))
    .replace(/\r?\n/g, '<br>');
  return { type: 'message', text: html, textFormat: 'xml' };
}

/** The notification preview of a card: its first line (Teams shows "sent a card" otherwise). */
function preview(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? ''
  );
}

function replyActivities(reply: Reply, channelId: string | undefined, askedAt?: number): Partial<Activity>[] {
  if (!reply.choices?.length) return [textActivity(reply.text, channelId)];
  return [{ type: 'message', summary: preview(reply.text), attachments: [choiceCard(reply.text, reply.choices, askedAt)] }];
}

/**
 * Every activity to send for a turn, in order. Choice buttons carry the turn count they were
 * offered at (`askedAt`), so a click on an old card can be told apart. The verdict is one
 * complete card (its headline as the notification text), not the summary text and a card.
 */
export function turnActivities(
  result: Pick<TurnResult, 'replies' | 'verdict'> & { state?: { turns: number } },
  channelId: string | undefined,
): Partial<Activity>[] {
  const { replies, verdict } = result;
  const askedAt = result.state?.turns;
  if (!verdict || !replies.length) return replies.flatMap((r) => replyActivities(r, channelId, askedAt));
  const at = summaryReplyIndex(replies, verdict);
  return replies.flatMap((reply, i) => {
    if (i !== at) return replyActivities(reply, channelId, askedAt);
    return [{ type: 'message', summary: preview(reply.text), attachments: [verdictCard(verdict, reply.text, reply.choices, askedAt)] }];
  });
}
