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
import type { Finding, Verdict } from '../../schema/rules';
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
  return summary.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
}

/** The heading of the summary section that mentions `probe`, e.g. 您的材料清单. */
function headingFor(summary: string, probe: string | undefined): string | undefined {
  if (!probe) return undefined;
  const section = paragraphs(summary).find((p) => p.startsWith('【') && p.includes(probe));
  return section?.match(/^【([^】]+)】/)?.[1];
}

/** The summary's own line for a finding's remedy (e.g. 办法：…), or the bare remedy. */
function remedyLine(summary: string, finding: Finding): string {
  const line = summary.split('\n').find((l) => l.trim().endsWith(finding.remedy) && l.trim() !== finding.remedy);
  return line?.trim() ?? finding.remedy;
}

function heading(text: string | undefined): TextBlock[] {
  return text ? [{ type: 'TextBlock', text, wrap: true, weight: 'Bolder', spacing: 'Medium' }] : [];
}

function section(title: string | undefined, items: CardElement[]): Container[] {
  if (!items.length) return [];
  return [{ type: 'Container', separator: true, spacing: 'Medium', items: [...heading(title), ...items] }];
}

function findings(summary: string, list: Finding[]): Container[] {
  const items: CardElement[] = list.map((f, i) => ({
    type: 'Container',
    spacing: i === 0 ? 'Small' : 'Medium',
    items: [
      { type: 'TextBlock', text: `${i + 1}. ${f.message}`, wrap: true },
      { type: 'TextBlock', text: remedyLine(summary, f), wrap: true, isSubtle: true, spacing: 'None' },
    ],
  }));
  return section(headingFor(summary, list[0]?.message), items);
}

/** The verdict card; `choices` (if the summary reply offered any) become buttons. */
export function verdictCard(v: Verdict, summary: string, choices: string[] = []): Attachment {
  const style = STATUS_STYLE[v.status];
  const headline = paragraphs(summary)[0];
  const body: CardElement[] = [];
  if (headline && !headline.startsWith('【')) {
    body.push({ type: 'Container', style: style.container, items: textBlocks(headline, { weight: 'Bolder', size: 'Medium', color: style.color }) });
  }
  body.push(...findings(summary, v.blockers));
  body.push(...findings(summary, v.warnings));
  const materials: TextBlock[] = v.materials.map((m) => ({ type: 'TextBlock', text: `☐ ${m.name}：${m.requirement}`, wrap: true, spacing: 'Small' }));
  body.push(...section(headingFor(summary, v.materials[0]?.name), materials));
  const steps: TextBlock[] = v.nextSteps.map((s, i) => ({ type: 'TextBlock', text: `${i + 1}. ${s}`, wrap: true, spacing: 'Small' }));
  body.push(...section(headingFor(summary, v.nextSteps[0]), steps));
  return CardFactory.adaptiveCard(adaptiveCard(body, choices, summary));
}
