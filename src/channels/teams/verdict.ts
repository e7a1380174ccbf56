/**
 * The Adaptive Card that closes an eligibility interview: headline, blockers with remedies,
 * warnings, the materials checklist and the next steps, laid out for a glance in Teams.
 *
 * Items come from the verdict; the headline and the section names come from the service's
 * summary reply (dialogs/interview.yaml wording), so the card never says what the summary
 * does not. A heading that cannot be found there is left out rather than invented.
 */
import { CardFactory, type Attachment } from 'botbuilder';
import type { Reply } from '../../engine/types';
import type { Verdict } from '../../schema/rules';
import { adaptiveCard, textBlocks, type CardElement, type Container, type TextBlock } from './cards';

const STATUS_STYLE: Record<Verdict['status'], { container: Container['style']; color: TextBlock['color'] }> = {
  eligible: { container: 'good', color: 'Good' },
  blocked: { container: 'attention', color: 'Attention' },
  needs_info: { container: 'warning', color: 'Warning' },
};

/** The words of the verdict that the summary text lists, to recognise that reply among others. */
function verdictItems(v: Verdict): string[] {
  return [...v.blockers.map((b) => b.message), ...v.materials.map((m) => m.name), ...v.nextSteps];
}

/** The reply that is the rendered verdict: the last one naming every item (else the last reply). */
export function summaryReplyIndex(replies: Reply[], v: Verdict): number {
  const items = verdictItems(v);
  for (let i = replies.length - 1; i >= 0; i--) {
    if (items.every((item) => replies[i].text.includes(item))) return i;
  }
  return replies.length - 1;
}

/** The summary's paragraphs; a section reads `【heading】` followed by its lines. */
function paragraphs(summary: string): string[] {
  return summary
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

function heading(text: string): TextBlock {
  return { type: 'TextBlock', text, wrap: true, weight: 'Bolder', spacing: 'Medium' };
}

/** A section's lines: an indented line (办法：…, 来源：…) is subtle and close to the line above it. */
function lines(body: string): TextBlock[] {
  return body
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) =>
      /^\s/.test(l)
        ? { type: 'TextBlock', text: l.trim(), wrap: true, isSubtle: true, spacing: 'None' }
        : { type: 'TextBlock', text: l.trim(), wrap: true, spacing: i === 0 ? 'Small' : 'Small' },
    );
}

/**
 * The verdict card: the headline in the status colour, then every section of the summary in
 * order (您的情况, what to confirm, blockers and warnings with their remedies, the checklist,
 * next steps, the dates, regional notes), so the card is the whole answer. `choices` (if the
 * summary reply offered any) become buttons.
 */
export function verdictCard(v: Verdict, summary: string, choices: string[] = [], askedAt?: number): Attachment {
  const style = STATUS_STYLE[v.status];
  const body: CardElement[] = [];
  paragraphs(summary).forEach((p, i) => {
    const m = /^【([^】]+)】\n?([\s\S]*)$/.exec(p);
    if (i === 0 && !m) {
      body.push({ type: 'Container', style: style.container, items: textBlocks(p, { weight: 'Bolder', size: 'Medium', color: style.color }) });
      return;
    }
    const items: CardElement[] = m ? [heading(m[1]), ...lines(m[2])] : lines(p);
    const section: Container = { type: 'Container', separator: true, spacing: 'Medium', items };
    body.push(section);
  });
  return CardFactory.adaptiveCard(adaptiveCard(body, choices, summary, askedAt));
}
