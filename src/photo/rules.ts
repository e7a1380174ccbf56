/**
 * Loads knowledge/photo.yaml: the photo check's thresholds and texts, validated once at start-up
 * like every other data file, with the cited source checked against knowledge/sources.yaml.
 */
import { join } from 'node:path';
import { DEFAULT_ROOT, readDataFile } from '../knowledge/load';
import { KnowledgeFileError } from '../knowledge/errors';
import { SourcesFile } from '../schema/knowledge';
import { PhotoFile, type PhotoLimits, type PhotoTexts } from '../schema/photo';

/** Everything the photo check needs, ready to use. */
export interface PhotoRules {
  /** The seed's rule in its own words. */
  rule: string;
  /** The citation: the source id and its title from knowledge/sources.yaml. */
  source: { id: string; title: string };
  limits: PhotoLimits;
  texts: PhotoTexts;
}

const FILE = 'knowledge/photo.yaml';

/** Reads and checks knowledge/photo.yaml below `root`; throws KnowledgeFileError naming the field. */
export function loadPhotoRules(root: string = process.env.JIANLI_KNOWLEDGE_ROOT ?? DEFAULT_ROOT): PhotoRules {
  const file = readDataFile(join(root, FILE), PhotoFile, FILE);
  const sources = readDataFile(join(root, 'knowledge', 'sources.yaml'), SourcesFile, 'knowledge/sources.yaml').sources;
  const cited = sources[file.source];
  if (!cited) throw new KnowledgeFileError(FILE, [{ field: 'source', message: `unknown source "${file.source}" (see knowledge/sources.yaml)` }]);
  return { rule: file.rule, source: { id: file.source, title: cited.title }, limits: file.limits, texts: file.texts };
}

let cached: PhotoRules | undefined;

/** The project's rules, read on first use and then kept (the data does not change while running). */
export function defaultPhotoRules(): PhotoRules {
  cached ??= loadPhotoRules();
  return cached;
}

/** Fills `{name}` placeholders; the schema has already checked that every name is provided. */
export function fill(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
