/**
 * Reading the knowledge's data files: a YAML file checked by its zod schema (errors name the file
 * and the field), the YAML files of a folder, the project root, and knowledge/nlu.yaml alone. Kept
 * apart from load.ts so the card and corpus loaders can use it without an import cycle.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodType, ZodTypeDef } from 'zod';
import { NluFile } from '../schema/knowledge';
import { KnowledgeFileError } from './errors';

/** Parses one YAML file against its schema; `display` is the path shown in errors. */
export function readDataFile<T>(path: string, schema: ZodType<T, ZodTypeDef, unknown>, display: string): T {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KnowledgeFileError(display, [{ field: '', message: `not valid YAML: ${(err as Error).message.split('\n')[0]}` }]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw KnowledgeFileError.fromZod(display, parsed.error.issues);
  return parsed.data;
}

/** Lists the YAML files of a folder, sorted so loading is deterministic. */
export function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

/** The project root: the folder that holds knowledge/ and dialogs/. */
export const DEFAULT_ROOT = join(import.meta.dirname, '..', '..');

/**
 * Reads only knowledge/nlu.yaml: all a model trained on another data set needs (`--train`), so a
 * problem elsewhere in the knowledge does not stop it.
 */
export function loadNluConfig(root: string = process.env.JIANLI_KNOWLEDGE_ROOT ?? DEFAULT_ROOT): NluFile {
  const path = join(root, 'knowledge', 'nlu.yaml');
  const display = relative(root, path) || path;
  if (!existsSync(path)) throw new KnowledgeFileError(display, [{ field: '', message: 'file is missing' }]);
  return readDataFile(path, NluFile, display);
}

