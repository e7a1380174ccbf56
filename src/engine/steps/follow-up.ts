/**
 * A short follow-up on the last answer's subject (为什么, 那怎么办, 需要多久, 线上能办吗, 那谁给我出
 * 证明): answered from that subject's related answers or its own short text
 * (knowledge/followups.yaml), never with the subject's whole answer again. The subject stays, so a
 * row of follow-ups is about the same thing. Inside the interview, 为什么 is about its question.
 */
import { isIntentId } from '../../schema/knowledge';
import { cardFollowUp } from '../card-answer';
import { answerWords, isExactly, isQuestion } from '../../nlu/answers';
import { withChoices } from '../../dialogs/faq';
import { relatedChoices, sourceTitles } from '../../dialogs/render';
import type { FollowUpKind } from '../../schema/conversation';
import type { TurnContext } from '../context';
import type { Step } from '../context';

/** A remark after a follow-up (我填工单) is at most this long. */
const REMARK_CHARS = 8;

/** The kind of follow-up the whole message is (linking openers such as 那 / 然后 aside). */
export function followUpKind(ctx: TurnContext): FollowUpKind | undefined {
  const fillers = [...ctx.k.nlu.leadingFillers].sort((a, b) => b.length - a.length);
  let n = ctx.normalized;
  for (let f = fillers.find((w) => n.startsWith(w) && n.length > w.length); f; f = fillers.find((w) => n.startsWith(w) && n.length > w.length)) {
    n = n.slice(f.length).replace(/^[\p{P}\s]+/u, '');
  }
  // 出处 一句话: a trailing ask for brevity is not part of the follow-up.
  const brief = [...ctx.k.conversation.words.shorter].sort((a, b) => b.length - a.length).find((w) => n.endsWith(w) && n.length > w.length);
  if (brief) n = n.slice(0, -brief.length).replace(/[\p{P}\s]+$/u, '');
  const kinds = Object.entries(ctx.k.conversation.words.followUps) as [FollowUpKind, string[]][];
  const { particles } = answerWords(ctx.k);
  const exact = kinds.find(([, words]) => isExactly(n, words, particles))?.[0];
  if (exact) return exact;
  const [head, ...rest] = n.split(/[\s，,。；;]+/u).filter(Boolean);
  // Follow-ups of one kind said together (出处 哪个文件) are that follow-up.
  const together = rest.length ? kinds.find(([, words]) => [head, ...rest].every((part) => isExactly(part, words, particles)))?.[0] : undefined;
  if (together) return together;
  // A follow-up with a short remark after it that asks nothing (出处给我 我填工单) is that follow-up.
  const tail = rest.join('');
  if (head && tail && [...tail].length <= REMARK_CHARS && !isQuestion(tail, ctx.k.conversation.words.questions)) {
    const first = kinds.find(([, words]) => isExactly(head, words, particles))?.[0];
    if (first) return first;
  }
  // A short protest that opens with why (为啥啊 我又没犯错 凭啥失效) asks the why of the last answer too.
  const { whyOpeners, whyChars } = ctx.k.conversation.limits;
  return [...n].length <= whyChars && whyOpeners.some((w) => n.startsWith(w)) ? 'why' : undefined;
}

export const followUp: Step = (ctx) => {
  if (ctx.open?.kind === 'interview') return undefined;
  const about = ctx.open?.kind === 'faq' ? ctx.open.intent : ctx.state.subject;
  // A subject only answer cards cover has no follow-ups of its own: the defaults apply.
  const subject = about && isIntentId(about) ? about : undefined;
  const last = !ctx.open && ctx.state.lastCard ? ctx.k.cards.byId.get(ctx.state.lastCard) : undefined;
  const cardKind = last ? followUpKind(ctx) : undefined;
  const onCard = last && cardKind ? cardFollowUp(ctx, last, cardKind) : undefined;
  if (onCard) return onCard;
  const kind = subject && followUpKind(ctx);
  if (!subject || !kind) return undefined;
  const { k } = ctx;
  const target = k.followUps.subjects[subject]?.[kind] ?? k.followUps.default[kind];
  if (!target) return undefined;
  // What the subject's answer is itself about is not led with again.
  if ('intent' in target) return { ...ctx.respond.plain(ctx, target.intent, 1, k.answers.get(subject)?.covers), subject };
  const choices = relatedChoices(target.related, k);
  const sources = sourceTitles(target.sources, k);
  const text = `${target.text}\n\n【${k.messages.sourcesLabel}】${sources.join('；')}`;
  return { intent: subject, confidence: 1, replies: [withChoices(text, choices)], sources, choices, subject };
};
