/**
 * `npx tsx bench/cards.ts [--sweep]`: the answer-card ranking (src/knowledge/rank.ts).
 *
 * 1. Pseudo-cards. Each intent of knowledge/phrases becomes a card (its answer's title as the
 *    question, its first 8 phrases as phrasings, its answer text); the intent's other phrases are
 *    paraphrases that should get that card, and the fallback phrases (weather, other
 *    certificates, chit-chat) should get none. Coarse (20 broad cards, 8 phrasings for ~100
 *    paraphrases each), so its rates are a floor, but it has thousands of lines.
 * 2. The sample cards of test/fixtures/cards/sample with its queries.tsv: 13 fine-grained cards,
 *    close pairs among them, paraphrases, ambiguous questions and nonsense.
 * 3. The real cards (knowledge/cards/*.yaml), when there are any: every phrasing of every card
 *    ranked against all cards (which first phrasings do not get their own card answered), and
 *    each card's phrasings held out of the index in turn and asked, as stand-ins for paraphrases.
 * 4. Timing: 150 cards × 8 phrasings (cut from knowledge/phrases), the index built once, then
 *    rank + decide per message; mean, p50, p99.
 *
 * With --sweep, 1, 2 and the held-out phrasings are reported over a grid of decide thresholds (knowledge/cards-settings.yaml
 * gives the rest). Reads knowledge/ directly, not through loadKnowledge, so that another file being
 * edited does not stop it.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_ROOT, loadNluConfig, readDataFile, yamlFiles } from '../src/knowledge/load';
import { loadCards } from '../src/knowledge/cards';
import { CardIndex, decide, loadCardSettings, type Ranked } from '../src/knowledge/rank';
import { Segmenter } from '../src/nlu/segment';
import { AnswerFile, PhrasesFile } from '../src/schema/knowledge';
import type { Card, CardSettings, Subject } from '../src/schema/cards';

type SubjectCard = Card & { subject?: Subject };
const PHRASINGS = 8;
const SAMPLE = join(DEFAULT_ROOT, 'test', 'fixtures', 'cards', 'sample');

const nlu = loadNluConfig();
const settings = loadCardSettings();
const segmenter = new Segmenter(nlu);
const indexOf = (cards: SubjectCard[], s: CardSettings = settings) => new CardIndex(cards, { segmenter, settings: s, genericWords: nlu.genericWords });

const phrases = new Map<string, string[]>();
for (const f of yamlFiles(join(DEFAULT_ROOT, 'knowledge', 'phrases'))) {
  const d = readDataFile(f, PhrasesFile, f);
  phrases.set(d.intent, d.phrases);
}
const answers = new Map<string, AnswerFile>();
for (const f of yamlFiles(join(DEFAULT_ROOT, 'knowledge', 'answers'))) {
  const d = readDataFile(f, AnswerFile, f);
  answers.set(d.intent, d);
}

function pseudoCard(intent: string, id: string, phrasings: string[]): SubjectCard {
  const a = answers.get(intent)!;
  const answer = [...a.answer.text].slice(0, 300).join('');
  return {
    id,
    subject: intent as Subject,
    question: a.title,
    phrasings,
    answer,
    conditions: [],
    instead: [],
    sources: a.answer.sources,
    next: [],
    scope: 'in',
  };
}

/** What a query should get: a card answered (or, when not `strict`, ranked first and answered or offered first), choices including these cards, or none. */
type Expect = { kind: 'answer'; id: string; strict?: boolean } | { kind: 'choose'; ids: string[] } | { kind: 'none' };
interface Query {
  text: string;
  expect: Expect;
}

/** test/fixtures/cards/sample/queries.tsv: text<TAB>id | answer:id | choose:id|id | none (its header says what each means). */
function readSampleQueries(path = join(SAMPLE, 'queries.tsv')): Query[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [text, want] = l.split('\t');
      if (want === 'none') return { text, expect: { kind: 'none' } };
      if (want.startsWith('choose:')) return { text, expect: { kind: 'choose', ids: want.slice(7).split('|') } };
      if (want.startsWith('answer:')) return { text, expect: { kind: 'answer', id: want.slice(7), strict: true } };
      return { text, expect: { kind: 'answer', id: want } };
    });
}

interface Tally {
  ok: number;
  /** Paraphrases: answered with another card. Nonsense: answered at all. */
  wrong: number;
  /** Paraphrases: offered among choices. Nonsense: offered choices. */
  offered: number;
  none: number;
  total: number;
}

function tally(ranked: { r: Ranked<SubjectCard>[]; expect: Expect }[], s: CardSettings): { inside: Tally; outside: Tally } {
  const zero = (): Tally => ({ ok: 0, wrong: 0, offered: 0, none: 0, total: 0 });
  const inside = zero();
  const outside = zero();
  for (const { r, expect } of ranked) {
    const d = decide(r, s);
    const t = expect.kind === 'none' ? outside : inside;
    t.total++;
    if (d.kind === 'none') t.none++;
    if (expect.kind === 'none') {
      if (d.kind === 'none') t.ok++;
      else if (d.kind === 'answer') t.wrong++;
      else t.offered++;
    } else if (expect.kind === 'answer') {
      if (d.kind === 'answer') d.card.id === expect.id ? t.ok++ : t.wrong++;
      else if (d.kind === 'choose' && d.cards.some((c) => c.id === expect.id)) t.offered++;
    } else if (d.kind === 'choose' && expect.ids.every((id) => d.cards.some((c) => c.id === id))) t.ok++;
    else if (d.kind === 'answer') t.wrong++;
  }
  return { inside, outside };
}

const pct = (n: number, d: number) => `${((100 * n) / Math.max(d, 1)).toFixed(1)}%`;
const line = ({ inside: i, outside: o }: { inside: Tally; outside: Tally }) =>
  `in domain (${i.total}): as expected ${pct(i.ok, i.total)}, answered wrong ${pct(i.wrong, i.total)}, right card among choices ${pct(i.offered, i.total)}, none ${pct(i.none, i.total)} | outside (${o.total}): none ${pct(o.ok, o.total)}, choices ${pct(o.offered, o.total)}, answered ${pct(o.wrong, o.total)}`;

function evaluate(title: string, cards: SubjectCard[], queries: Query[]): void {
  const index = indexOf(cards);
  const ranked = queries.map((q) => ({ r: index.rank(q.text), expect: q.expect }));
  const inDomain = ranked.filter((x) => x.expect.kind === 'answer');
  const top1 = inDomain.filter((x) => x.expect.kind === 'answer' && x.r[0]?.card.id === x.expect.id).length;
  console.log(`${title}\n  top-1 of paraphrases: ${pct(top1, inDomain.length)}\n  ${line(tally(ranked, settings))}`);
  if (!process.argv.includes('--sweep')) return;
  console.log('  answer margin suggest: …');
  for (const answer of [0.2, 0.25, 0.3, 0.35])
    for (const margin of [0.25, 0.35, 0.45])
      for (const suggest of [0.1, 0.15, 0.2]) {
        const s = { ...settings, decide: { ...settings.decide, answer, margin, suggest } };
        console.log(`  ${answer.toFixed(2)} ${margin.toFixed(2)} ${suggest.toFixed(2)}: ${line(tally(ranked, s))}`);
      }
}

// 1. Pseudo-cards from knowledge/phrases.
{
  const cards: SubjectCard[] = [];
  const queries: Query[] = [];
  for (const [intent, list] of phrases) {
    if (intent === 'fallback') list.forEach((text) => queries.push({ text, expect: { kind: 'none' } }));
    else {
      cards.push(pseudoCard(intent, intent, list.slice(0, PHRASINGS)));
      list.slice(PHRASINGS).forEach((text) => queries.push({ text, expect: { kind: 'answer', id: intent } }));
    }
  }
  evaluate(`1. Pseudo-cards: ${cards.length} intents × ${PHRASINGS} phrases of knowledge/phrases`, cards, queries);
}

// 2. The sample cards.
{
  const { cards } = loadCards(SAMPLE);
  evaluate(`\n2. Sample cards (test/fixtures/cards/sample): ${cards.length} cards`, cards, readSampleQueries());
}

// 3. The real cards.
{
  let set: ReturnType<typeof loadCards> | undefined;
  try {
    set = loadCards();
  } catch (err) {
    console.log(`\n3. Real cards: not loadable:\n${(err as Error).message}`);
  }
  if (!set) {
    // reported above
  } else if (!set.cards.length) console.log('\n3. Real cards: knowledge/cards/ has none yet');
  else {
    const index = indexOf(set.cards);
    let firstOk = 0;
    let allOk = 0;
    let all = 0;
    const misses: string[] = [];
    for (const card of set.cards) {
      card.phrasings.forEach((p, i) => {
        all++;
        const r = index.rank(p);
        const d = index.decide(r);
        const ok = d.kind === 'answer' && d.card.id === card.id;
        if (ok) allOk++;
        if (i > 0) return;
        if (ok) firstOk++;
        else {
          const got = d.kind === 'answer' ? d.card.id : d.kind === 'choose' ? `choose ${d.cards.map((c) => c.id).join(', ')}` : 'none';
          misses.push(
            `  ${card.id}: "${p}" → ${got} (${r
              .slice(0, 3)
              .map((x) => `${x.card.id} ${x.match.toFixed(2)}`)
              .join(', ')})`,
          );
        }
      });
    }
    console.log(`\n3. Real cards: ${set.cards.length} cards in ${set.bySubject.size} files`);
    console.log(`  first phrasing answered with its own card: ${firstOk}/${set.cards.length}`);
    console.log(`  any phrasing answered with its own card: ${allOk}/${all}`);
    if (misses.length) console.log(misses.join('\n'));

    // Held out: phrasing i of every card is left out of the index and asked (i = 0 … 7), a stand-in
    // for paraphrases the cards do not list.
    const held: { r: Ranked<SubjectCard>[]; expect: Expect }[] = [];
    for (let i = 0; i < 8; i++) {
      const without = set.cards.map((c) => (c.phrasings.length > i ? { ...c, phrasings: c.phrasings.filter((_, j) => j !== i) } : c));
      const idx = indexOf(without);
      for (const c of set.cards) if (c.phrasings.length > i) held.push({ r: idx.rank(c.phrasings[i]), expect: { kind: 'answer', id: c.id } });
    }
    const top = (n: number) =>
      held.filter((x) => x.expect.kind === 'answer' && x.r.slice(0, n).some((y) => y.card.id === (x.expect as { id: string }).id)).length;
    console.log(`  held-out phrasings (${held.length}): top-1 ${pct(top(1), held.length)}, top-3 ${pct(top(3), held.length)}`);
    console.log(`  ${line(tally(held, settings)).replace(/ \| outside.*$/, '')}`);
    if (process.argv.includes('--sweep'))
      for (const answer of [0.25, 0.3, 0.35, 0.4])
        for (const margin of [0.2, 0.25, 0.3, 0.35]) {
          const s = { ...settings, decide: { ...settings.decide, answer, margin } };
          console.log(`  ${answer.toFixed(2)} ${margin.toFixed(2)}: ${line(tally(held, s)).replace(/ \| outside.*$/, '')}`);
        }
  }
}

// 4. Timing: 150 cards × 8 phrasings.
{
  const cards: SubjectCard[] = [];
  const pools = [...phrases].filter(([intent]) => intent !== 'fallback').map(([intent, list]) => ({ intent, list: [...list] }));
  for (let c = 0; cards.length < 150; c++) {
    const pool = pools[c % pools.length];
    const take = pool.list.splice(0, PHRASINGS);
    if (take.length < PHRASINGS) break;
    cards.push({ ...pseudoCard(pool.intent, `${pool.intent}.${c}`, take), question: take[0] });
  }
  const queries = [...pools.flatMap((p) => p.list), ...(phrases.get('fallback') ?? [])];
  const t0 = performance.now();
  const index = indexOf(cards);
  const buildMs = performance.now() - t0;
  const prior = new Map<string, number>(pools.map((p, i) => [p.intent, i === 0 ? 0.6 : 0.4 / (pools.length - 1)]));
  for (const q of queries) index.decide(index.rank(q)); // warm-up
  // Wall time and this process's CPU time per message: on a shared machine the wall time's tail is
  // mostly waiting for a core, which the CPU time leaves out.
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < 4; round++)
    for (const q of queries) {
      const c = process.cpuUsage();
      const s = performance.now();
      index.decide(index.rank(q, round % 2 ? { prior } : {}));
      wall.push(performance.now() - s);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
    return `mean ${us(xs.reduce((a, b) => a + b, 0) / xs.length)}, p50 ${us(at(0.5))}, p90 ${us(at(0.9))}, p99 ${us(at(0.99))}, max ${us(sorted[sorted.length - 1])}`;
  };
  console.log(
    `\n4. Timing: ${cards.length} cards × ${PHRASINGS} phrasings, index built in ${buildMs.toFixed(0)} ms; ${wall.length} messages (rank + decide, half with a subject prior); load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`,
  );
  console.log(`  wall: ${stats(wall)}`);
  console.log(`  CPU:  ${stats(cpu)}`);
}
