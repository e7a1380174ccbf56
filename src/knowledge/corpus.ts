/**
 * Loads the source corpus (knowledge/corpus/*.yaml): the text behind every citation, so an answer's
 * source can be shown and checked. Each file is validated with zod (src/schema/corpus.ts), then
 * cross-checked: passage ids unique across files and known to knowledge/sources.yaml, and every
 * passage of an article found word for word in the article's .txt file. Anything wrong throws a
 * KnowledgeFileError naming the file and the field.
 *
 * Not wired into start-up yet; callers use loadCorpus(root) directly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CorpusFile, type CorpusDocument, type CorpusPassage } from '../schema/corpus';
import { SourcesFile } from '../schema/knowledge';
import { KnowledgeFileError, type FieldProblem } from './errors';
import { DEFAULT_ROOT, readDataFile, yamlFiles } from './files';

/** A passage with the document it belongs to and the corpus file it came from. */
export interface Passage extends CorpusPassage {
  document: CorpusDocument;
  /** The corpus file, relative to the root (knowledge/corpus/reg-147.yaml). */
  file: string;
}

export interface LoadCorpusOptions {
  /** knowledge/sources.yaml's entries when the caller has read them already. */
  sources?: SourcesFile['sources'];
}

/** Folds whitespace away, so line breaks in YAML do not decide whether a quotation matches. */
const squeeze = (s: string) => s.replace(/\s+/g, '');

/**
 * Reads knowledge/corpus/*.yaml below `root` and returns every passage by its source id.
 * Throws a KnowledgeFileError for the first file with a problem, listing all of that file's problems.
 */
export function loadCorpus(root: string = process.env.JIANLI_KNOWLEDGE_ROOT ?? DEFAULT_ROOT, opts: LoadCorpusOptions = {}): Map<string, Passage> {
  const show = (p: string) => relative(root, p) || p;
  const dir = join(root, 'knowledge', 'corpus');
  const files = yamlFiles(dir);
  if (!files.length) throw new KnowledgeFileError(show(dir), [{ field: '', message: 'no corpus files (knowledge/corpus/*.yaml)' }]);
  const sources = opts.sources ?? readSources(root, show);

  const passages = new Map<string, Passage>();
  for (const path of files) {
    const display = show(path);
    const data = readDataFile(path, CorpusFile, display);
    const problems: FieldProblem[] = [];

    let article: string | undefined;
    if (data.document.file) {
      const textPath = join(dir, data.document.file);
      if (!existsSync(textPath)) problems.push({ field: 'document.file', message: `${data.document.file} is not in knowledge/corpus` });
      else article = squeeze(readFileSync(textPath, 'utf8'));
    }

    data.passages.forEach((p, i) => {
      const other = passages.get(p.id);
      if (other) problems.push({ field: `passages.${i}.id`, message: `"${p.id}" is already a passage in ${other.file}` });
      if (!sources[p.id]) problems.push({ field: `passages.${i}.id`, message: `unknown source "${p.id}" (add it to knowledge/sources.yaml)` });
      if (article !== undefined && !article.includes(squeeze(p.text)))
        problems.push({ field: `passages.${i}.text`, message: `is not found word for word in ${data.document.file}` });
      if (!other) passages.set(p.id, { ...p, document: data.document, file: display });
    });
    if (problems.length) throw new KnowledgeFileError(display, problems);
  }
  return passages;
}

function readSources(root: string, show: (p: string) => string): SourcesFile['sources'] {
  const path = join(root, 'knowledge', 'sources.yaml');
  if (!existsSync(path)) throw new KnowledgeFileError(show(path), [{ field: '', message: 'file is missing (the corpus is keyed by its ids)' }]);
  return readDataFile(path, SourcesFile, show(path)).sources;
}
