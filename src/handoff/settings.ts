/** Loads knowledge/handoff.yaml once at start-up, validated like every other data file. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ROOT, readDataFile } from '../knowledge/load';
import { KnowledgeFileError } from '../knowledge/errors';
import { normalizeText } from '../nlu/normalize';
import { HandoffFile } from '../schema/handoff';

/** The handoff rules, ready to use. */
export interface HandoffSettings {
  /** Complaint words, normalised the way messages are, so 投訴 matches 投诉. */
  complaintWords: string[];
  openMinutes: number;
  summary: { intents: number; messages: number };
}

const FILE = 'knowledge/handoff.yaml';

/** Reads knowledge/handoff.yaml below `root`; throws KnowledgeFileError naming the field. */
export function loadHandoffSettings(root: string = process.env.JIANLI_KNOWLEDGE_ROOT ?? DEFAULT_ROOT): HandoffSettings {
  const path = join(root, FILE);
  if (!existsSync(path)) throw new KnowledgeFileError(FILE, [{ field: '', message: 'file is missing' }]);
  const file = readDataFile(path, HandoffFile, FILE);
  return { complaintWords: file.complaint.map((w) => normalizeText(w)).filter(Boolean), openMinutes: file.openMinutes, summary: file.summary };
}
