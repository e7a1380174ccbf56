/** What to do with a ranking of answer cards: answer the best, offer the closest few, or none. */
import type { Card, CardSettings } from '../schema/cards';
import type { CardDecision, Ranked } from './rank';
import { projectDefaults } from './card-settings';

/**
 * What to do with a ranking. Only cards whose match reaches `suggest` count as close; none is close:
 * none. The best close card is answered when its match reaches `answer` and every other card's
 * score is at most (1 − margin) × its score. Otherwise the close cards scoring at least chooseRatio
 * × the best's are offered (at most maxChoices; the second close card is added when that leaves one).
 */
export function decide<C extends Card>(ranked: readonly Ranked<C>[], settings: CardSettings = projectDefaults().settings): CardDecision<C> {
  const { answer, suggest, margin, chooseRatio, maxChoices } = settings.decide;
  const close = ranked.filter((r) => r.match >= suggest);
  const top = close[0];
  if (!top) return { kind: 'none' };
  // With a prior, a card scoring above the best close card may match less than `suggest`: it still rivals it.
  const rival = ranked.find((r) => r !== top);
  if (top.match >= answer && (!rival || rival.score <= (1 - margin) * top.score)) return { kind: 'answer', card: top.card, score: top.score, match: top.match };
  const cards = close.filter((r, i) => i === 0 || r.score >= chooseRatio * top.score).slice(0, maxChoices);
  if (cards.length < 2 && close.length > 1) cards.push(close[1]);
  return { kind: 'choose', cards: cards.map((r) => r.card) };
}
