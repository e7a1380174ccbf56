/**
 * Adds reviewed questions to an intent's training phrases in knowledge/phrases/<intent>.yaml,
 * keeping the file's comments and layout, and checks the whole knowledge base afterwards: if it
 * no longer loads, the file is put back and the error is reported.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, YAMLSeq } from 'yaml';
import { INTENT_IDS, type IntentId } from '../schema/knowledge';
import { loadKnowledge } from '../knowledge/load';
import { KnowledgeFileError } from '../knowledge/errors';

export class ReviewError extends Error {}

export function attachPhrases(root: string, intent: string, phrases: string[]): { added: string[] } {
  if (!(INTENT_IDS as readonly string[]).includes(intent)) throw new ReviewError(`unknown intent "${intent}"; one of: ${INTENT_IDS.join(', ')}`);
  const file = join(root, 'knowledge', 'phrases', `${intent as IntentId}.yaml`);
  const before = readFileSync(file, 'utf8');
  const doc = parseDocument(before);
  const seq = doc.get('phrases');
  if (!(seq instanceof YAMLSeq)) throw new ReviewError(`${file}: phrases is not a list`);
  const existing = new Set(seq.items.map((i) => String((i as { value?: unknown }).value ?? i)));
  const added = phrases.map((p) => p.trim()).filter((p) => p && !existing.has(p));
  for (const p of added) seq.add(doc.createNode(p));
  writeFileSync(file, doc.toString());
  try {
    loadKnowledge(root);
  } catch (err) {
    writeFileSync(file, before);
    if (err instanceof KnowledgeFileError) throw new ReviewError(`not added, the knowledge would not load:\n${err.message}`);
    throw err;
  }
  return { added };
}
