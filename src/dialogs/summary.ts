/**
 * The interview's closing summary: verdict, blockers with remedies, the personal checklist,
 * next steps and the decision window as calendar dates. All wording comes from dialogs/interview.yaml.
 */
import type { Knowledge } from '../knowledge/load';
import type { InterviewQuestion } from '../schema/interview';
import type { Goal, Situation, SituationField, Verdict } from '../schema/rules';
import { decisionWindow } from '../rules/calendar';

/** One known fact in words, e.g. 注册地：江苏 or 没有未结算的项目; `goal` words it for that goal (新单位所在地 for 变更注册). */
export function describeFact(field: SituationField, s: Situation, k: Knowledge, goal: Goal | undefined = s.goal): string {
  const q = k.interview.fields[field];
  const value = s[field];
  if (q.kind === 'yesno') return value ? q.fact.true : q.fact.false;
  if (q.kind === 'choice') return q.fact.replace('{label}', q.options.find((o) => o.value === value)?.label ?? String(value));
  if (q.kind === 'number') return q.fact.replace('{value}', String(value));
  const worded = goal && goal !== 'deregister' ? goal : undefined;
  return ((worded ? q.factFor?.[worded] : undefined) ?? q.fact).replace('{value}', String(value));
}

/** A field's question as the interview asks it for this goal (re-registration asks for the new employer's province). */
export function questionText(q: InterviewQuestion, goal: Goal): string {
  return (goal !== 'deregister' ? q.askFor?.[goal] : undefined) ?? q.ask;
}

/**
 * The verdict as text. A block an earlier verdict already said word for word (`said`: the same
 * checklist after a correction) is named as unchanged, not repeated.
 */
export function renderVerdict(v: Verdict, situation: Situation, k: Knowledge, now: Date, said: (block: string) => boolean = () => false): string {
  const s = k.interview.summary;
  const titles = v.goal === 'reregister' ? s.titleReregister : v.goal === 'change' ? s.titleChange : s.title;
  const title = v.status === 'eligible' && v.warnings.length ? titles.eligibleWithWarnings : titles[v.status];
  // A redirect (changing employer: 不需要注销) leads; the status title follows it.
  const blocks: string[] = [v.headline ? `${v.headline}\n${title}` : title];

  const spec = k.rules.rules.goals[v.goal];
  const fields = [...spec.optional, ...spec.fields].filter((f) => situation[f] !== undefined) as SituationField[];
  if (fields.length) blocks.push(`【${s.facts}】\n${fields.map((f) => `· ${describeFact(f, situation, k, v.goal)}`).join('\n')}`);
  // Items left open (不知道 / 跳过) that could still change the verdict, asked as the interview asks them.
  const open = v.missing.filter((f) => f !== 'region');
  if (open.length) blocks.push(`【${s.toConfirm}】\n${open.map((f) => `· ${questionText(k.interview.fields[f], v.goal)}`).join('\n')}`);
  if (v.blockers.length) {
    blocks.push(`【${s.blockers}】\n${v.blockers.map((b, i) => `${i + 1}. ${b.message}\n   ${s.remedy}：${b.remedy}\n   ${s.source}：${b.source}`).join('\n')}`);
  }
  if (v.warnings.length) {
    blocks.push(`【${s.warnings}】\n${v.warnings.map((w, i) => `${i + 1}. ${w.message}\n   ${s.remedy}：${w.remedy}\n   ${s.source}：${w.source}`).join('\n')}`);
  }
  const regionLine = v.region ? '' : `\n${s.regionUnknown}`;
  blocks.push(`【${s.materials}】${regionLine}\n${v.materials.map((m) => `☐ ${m.name}：${m.requirement}`).join('\n')}`);
  if (v.nextSteps.length) blocks.push(`【${s.nextSteps}】\n${v.nextSteps.map((n, i) => `${i + 1}. ${n}`).join('\n')}`);
  if (v.status !== 'blocked' && v.approvalDays) {
    const w = decisionWindow(now, v.approvalDays.min, v.approvalDays.max);
    blocks.push(s.window.replace('{min}', String(v.approvalDays.min)).replace('{max}', String(v.approvalDays.max)).replace('{today}', w.today).replace('{from}', w.from).replace('{to}', w.to) + (w.note ?? ''));
  }
  if (v.notes.length) blocks.push(`【${s.notes}】\n${v.notes.join('\n')}`);
  return blocks
    .flatMap((b) => {
      if (!said(b)) return [b];
      const heading = /^【([^】]+)】/u.exec(b)?.[1];
      return heading ? [k.conversation.say.unchanged.replaceAll('{title}', heading)] : [];
    })
    .join('\n\n');
}
