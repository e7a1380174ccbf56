/** The card ranking's settings (knowledge/cards-settings.yaml) and the project's defaults for rank() and decide(). */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CardSettingsFile, type CardSettings } from '../schema/cards';
import { Segmenter } from '../nlu/segment';
import { KnowledgeFileError } from './errors';
import { DEFAULT_ROOT, loadNluConfig, readDataFile } from './files';

/** Reads knowledge/cards-settings.yaml: the ranking's BM25 parameters and decision thresholds. */
export function loadCardSettings(root: string = process.env.JIANLI_KNOWLEDGE_ROOT ?? DEFAULT_ROOT): CardSettings {
  const path = join(root, 'knowledge', 'cards-settings.yaml');
  const display = relative(root, path) || path;
  if (!existsSync(path)) throw new KnowledgeFileError(display, [{ field: '', message: 'file is missing' }]);
  return readDataFile(path, CardSettingsFile, display);
}

export interface Defaults {
  settings: CardSettings;
  segmenter: Segmenter;
  genericWords: readonly string[];
}
let defaults: Defaults | undefined;
/** The project's settings, and a segmenter and generic words from its knowledge/nlu.yaml, read once (rank() and decide() without options). */
export function projectDefaults(): Defaults {
  if (!defaults) {
    const nlu = loadNluConfig();
    defaults = { settings: loadCardSettings(), segmenter: new Segmenter(nlu), genericWords: nlu.genericWords };
  }
  return defaults;
}
