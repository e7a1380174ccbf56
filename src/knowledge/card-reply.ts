/**
 * An answer card as a reply for one person: the card's direct answer, led by what its conditions
 * say for the facts this user has stated (over 65, employer gone…), its regional note, its sources
 * and the cards that usually come next as choices. Pure: the engine decides when a card answers.
 */
import { holds } from '../rules/check';
import type { Situation } from '../schema/rules';
import type { LoadedCard } from '../schema/cards';

export interface CardReplyWords {
  /** 按您说的情况（{facts}）： — here without facts: the condition's text says which. */
  personal: string;
  /** 一般情况： */
  inGeneral: string;
  regionalLabel: string;
  sourcesLabel: string;
}

export interface CardReply {
  text: string;
  /** Source titles, in the order cited. */
  sources: string[];
  /** The next cards, offered as choices: their questions. */
  next: { label: string; card: string }[];
  /** The condition that applied to this person, if any. */
  personal?: string;
}

/**
 * `facts` are the user's stated facts (the conversation's profile and province). `byId` finds the
 * next cards; `sourceTitle` turns a source id into its citation.
 */
export function cardReply(
  card: LoadedCard,
  facts: Situation,
  opts: { words: CardReplyWords; sourceTitle: (id: string) => string; byId: ReadonlyMap<string, LoadedCard>; brief?: boolean },
): CardReply {
  const { words } = opts;
  const condition = card.conditions.find((c) => holds(c.when, facts));
  const blocks: string[] = [];
  // A final condition (over 65 on a change card) replaces the answer: the general one would contradict it.
  if (condition?.final) blocks.push(`${words.personal}${condition.text}`);
  else if (condition) blocks.push(`${words.personal}${condition.text}`, `${words.inGeneral}${card.answer.trim()}`);
  else blocks.push(card.answer.trim());
  if (card.regional && !opts.brief) blocks.push(`【${words.regionalLabel}】${card.regional}`);
  const sources = [...new Set(card.sources.map(opts.sourceTitle))];
  if (sources.length) blocks.push(`【${words.sourcesLabel}】${sources.join('；')}`);
  const next = card.next.flatMap((id) => {
    const c = opts.byId.get(id);
    return c ? [{ label: c.question, card: c.id }] : [];
  });
  return { text: blocks.join('\n\n'), sources, next, ...(condition ? { personal: condition.text } : {}) };
}
