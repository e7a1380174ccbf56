/**
 * A question the classifier understands. Two questions in one message: the first answered, the
 * second offered. Inside the interview a question of its own is answered (without opening its
 * dialog) and the interview's question asked again; inside a FAQ follow-up the follow-up is
 * dropped (the bookkeeping does both). The same question again inside (or just after) its dialog
 * gets the answer, not the dialog's first step again.
 */
import type { IntentId } from '../../schema/knowledge';
import { withChoices } from '../../dialogs/faq';
import { sourceTitles, titleOf } from '../../dialogs/render';
import { factsLead } from './fact-statement';
import type { PendingChoice } from '../../dialogs/types';
import { questionClauses, type TurnContext } from '../context';
import type { Step } from '../context';
import type { Outcome } from '../outcome';

export const newQuestion: Step = (ctx) => {
  const u = ctx.understanding();
  const roles = ctx.k.conversation.intents;
  if (u.decision === 'suggest' && !ctx.open) return withFactsLead(ctx, ctx.respond.suggestions(u));
  if (u.decision !== 'answer') return undefined;
  const aside = roles.remarks.includes(u.intent) ? ('remark' as const) : undefined;
  if (ctx.open?.kind === 'interview') {
    if (roles.notSideQuestions.includes(u.intent)) return undefined;
    return { ...ctx.respond.plain(ctx, u.intent, u.confidence), aside };
  }
  const inDialog = ctx.open?.kind === 'faq' ? ctx.open.intent : undefined;
  if (ctx.k.answers.get(u.intent)?.flow && (u.intent === inDialog || (!ctx.open && u.intent === ctx.state.lastIntent))) {
    return { ...ctx.respond.plain(ctx, u.intent, u.confidence), dialog: null };
  }
  const asked = questionsAsked(ctx);
  const outcome: Outcome = asked ? twoQuestions(ctx, asked) : ctx.respond.answer(ctx, u.intent, u.confidence);
  return { ...outcome, aside, ...(u.truncated ? { replies: [{ text: ctx.k.messages.tooLong }, ...outcome.replies] } : {}) };
};

/** The closest questions, headed by what the facts the message states change (跳槽去广东 → 变更注册). */
function withFactsLead(ctx: TurnContext, o: Outcome): Outcome {
  const lead = factsLead(ctx);
  if (!lead) return o;
  const text = `${lead.text}\n\n${ctx.k.conversation.say.suggestAfterLead}`;
  return { ...o, replies: [{ ...o.replies[0], text }, ...o.replies.slice(1)], sources: sourceTitles(lead.sources, ctx.k) };
}

/**
 * Two different questions in one message, in the order asked: clauses that ask (a question word or
 * mark) and are each understood on their own. A clause that only tells something never counts.
 */
function questionsAsked(ctx: TurnContext): [IntentId, IntentId] | undefined {
  const clauses = questionClauses(ctx.understanding().normalized, ctx.k);
  if (clauses.length < 2) return undefined;
  const intents: IntentId[] = [];
  for (const clause of clauses) {
    const v = ctx.nlu.understandNormalized(clause);
    if (v.decision === 'answer' && !ctx.k.conversation.intents.notSecondQuestions.includes(v.intent) && !intents.includes(v.intent)) intents.push(v.intent);
  }
  return intents.length >= 2 ? [intents[0], intents[1]] : undefined;
}

/** 要什么材料，多久能办好？ The first answered; the second offered as choice 1, or named for later when the first waits for a reply. */
function twoQuestions(ctx: TurnContext, [first, second]: [IntentId, IntentId]): Outcome {
  const { k } = ctx;
  const outcome = ctx.respond.answer(ctx, first, 1);
  const title = titleOf(second, k);
  if (outcome.dialog || outcome.replies.length !== 1) {
    const later = { text: k.messages.alsoAskedLater.replaceAll('{title}', title) };
    return { ...outcome, replies: [...outcome.replies.slice(0, -1), later, ...outcome.replies.slice(-1)] };
  }
  const choices: PendingChoice[] = [
    { label: title, target: { intent: second } },
    ...outcome.choices.filter((c) => !('intent' in c.target && c.target.intent === second)),
  ];
  const text = `${outcome.replies[0].text}\n\n${k.messages.alsoAsked.replaceAll('{title}', title)}`;
  return { ...outcome, replies: [withChoices(text, choices)], choices };
}
