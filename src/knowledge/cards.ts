/**
 * Loads the answer cards (knowledge/cards/*.yaml) and their ranking settings
 * (knowledge/cards-settings.yaml), validates them with zod and cross-checks them: card ids unique
 * across files, every `next` a card, every source in knowledge/sources.yaml, no phrasing in two
 * cards. Anything wrong throws a KnowledgeFileError naming the file and the field path.
 *
 * Not wired into loadKnowledge yet: the engine calls cardKnowledge(k) when it takes the cards on.
 */
import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { CardFile, type CardSettings, type LoadedCard, type Subject } from '../schema/cards';
import { SourcesFile, type NluFile } from '../schema/knowledge';
import { normalizeText } from '../nlu/normalize';
import { Segmenter } from '../nlu/segment';
import { KnowledgeFileError, type FieldProblem } from './errors';
import { DEFAULT_ROOT, readDataFile, yamlFiles } from './files';
import { CardIndex, loadCardSettings } from './rank';
import { must } from '../util/must';

export { loadCardSettings };

/** The cards of every file, in file order then card order, with lookups. */
export interface CardSet {
  cards: LoadedCard[];
  byId: Map<string, LoadedCard>;
  bySubject: Map<Subject, LoadedCard[]>;
}

export interface LoadCardsOptions {
  /** knowledge/sources.yaml's entries when the caller has read them already (loadKnowledge has). */
  sources?: SourcesFile['sources'];
}

const rootOf = (root?: string) => root ?? process.env.JIANLI_KNOWLEDGE_ROOT ?? DEFAULT_ROOT;

/**
 * Reads knowledge/cards/*.yaml below `root`. An empty or missing folder gives no cards.
 * Throws a KnowledgeFileError for the first file with a problem, listing all of that file's problems.
 */
export function loadCards(root?: string, opts: LoadCardsOptions = {}): CardSet {
  const base = rootOf(root);
  const show = (p: string) => relative(base, p) || p;
  const files = yamlFiles(join(base, 'knowledge', 'cards'));
  const empty: CardSet = { cards: [], byId: new Map(), bySubject: new Map() };
  if (!files.length) return empty;
  const sources = opts.sources ?? readSources(base, show);

  const parsed = files.map((path) => {
    const display = show(path);
    const data = readDataFile(path, CardFile, display);
    const name = basename(path).replace(/\.ya?ml$/, '');
    if (name !== data.subject) throw new KnowledgeFileError(display, [{ field: 'subject', message: `must match the file name (${basename(path)})` }]);
    return { display, data };
  });

  const owner = new Map<string, string>(); // card id → file
  const phrasingOwner = new Map<string, string>(); // normalised phrasing → card id
  const problems = new Map<string, FieldProblem[]>(parsed.map((f) => [f.display, []]));
  for (const { display, data } of parsed) {
    const list = must(problems.get(display), display);
    data.cards.forEach((card, i) => {
      const at = `cards.${i}`;
      const other = owner.get(card.id);
      if (other) list.push({ field: `${at}.id`, message: `"${card.id}" is already the id of a card${other === display ? ' in this file' : ` in ${other}`}` });
      else owner.set(card.id, display);
      card.sources.forEach((id, j) => {
        if (!sources[id]) list.push({ field: `${at}.sources.${j}`, message: `unknown source "${id}" (see knowledge/sources.yaml)` });
      });
      card.phrasings.forEach((p, j) => {
        const key = phrasingKey(p);
        const first = phrasingOwner.get(key);
        if (first !== undefined && first !== card.id) list.push({ field: `${at}.phrasings.${j}`, message: `"${p}" is also a phrasing of card "${first}"` });
        else phrasingOwner.set(key, card.id);
      });
    });
  }
  for (const { display, data } of parsed) {
    const list = must(problems.get(display), display);
    data.cards.forEach((card, i) => {
      card.instead.forEach((x, j) => {
        if (x.card === card.id) list.push({ field: `cards.${i}.instead.${j}.card`, message: `a card cannot answer instead of itself` });
        else if (!owner.has(x.card)) list.push({ field: `cards.${i}.instead.${j}.card`, message: `no card "${x.card}" in knowledge/cards/` });
      });
      card.next.forEach((id, j) => {
        if (id === card.id) list.push({ field: `cards.${i}.next.${j}`, message: `a card cannot come next after itself` });
        else if (!owner.has(id)) list.push({ field: `cards.${i}.next.${j}`, message: `no card "${id}" in knowledge/cards/` });
      });
    });
  }
  for (const [display, list] of problems) if (list.length) throw new KnowledgeFileError(display, list);

  const set = empty;
  for (const { display, data } of parsed) {
    const ofSubject: LoadedCard[] = [];
    for (const card of data.cards) {
      const loaded: LoadedCard = { ...card, subject: data.subject, file: display };
      set.cards.push(loaded);
      set.byId.set(card.id, loaded);
      ofSubject.push(loaded);
    }
    set.bySubject.set(data.subject, ofSubject);
  }
  return set;
}

/** Phrasings that differ only in spacing, width, case or punctuation are the same phrasing. */
function phrasingKey(p: string): string {
  return normalizeText(p).replace(/[\p{P}\p{S}\s]+/gu, '');
}

function readSources(root: string, show: (p: string) => string): SourcesFile['sources'] {
  const path = join(root, 'knowledge', 'sources.yaml');
  if (!existsSync(path)) throw new KnowledgeFileError(show(path), [{ field: '', message: 'file is missing (the cards cite it)' }]);
  return readDataFile(path, SourcesFile, show(path)).sources;
}

/** What the engine needs to answer from the cards. */
export interface CardKnowledge {
  cards: CardSet;
  settings: CardSettings;
  /** The ranking index over every card, built once. */
  index: CardIndex<LoadedCard>;
}

/**
 * Loads the cards and settings and builds their index, for the engine: pass the loaded knowledge
 * (its root, sources and NLU settings, whose dictionary and typo rewrites the segmenter uses), and
 * optionally the NLU's segmenter (one jieba instance for both) and the place-name remover the
 * classifier uses (withoutPlaces), so that 我是上海的 does not count as unmatched words.
 */
export function cardKnowledge(
  k: { root: string; sources: SourcesFile['sources']; nlu: NluFile },
  opts: { segmenter?: Segmenter; neutralize?: (normalized: string) => string } = {},
): CardKnowledge {
  const cards = loadCards(k.root, { sources: k.sources });
  const settings = loadCardSettings(k.root);
  const index = new CardIndex(cards.cards, {
    segmenter: opts.segmenter ?? new Segmenter(k.nlu),
    settings,
    genericWords: k.nlu.genericWords,
    neutralize: opts.neutralize,
  });
  return { cards, settings, index };
}
