/**
 * Start-up of the embedded store after a stop or a crash: files named by the old scheme are
 * renamed (file-names.ts), then the journal segments left behind are applied, oldest first,
 * skipping the turns the state files say were applied already (a state file torn by a crash is
 * rewritten), and removed.
 */
import type { ConversationFiles } from './files';
import { migrateLegacyFiles } from './file-names';
import { comparePositions, type Journal } from './journal';
import { addTurn, type JournalRecord, type PendingConversation } from './pending';
import type { Writer } from './writer';

export async function recoverJournal(journal: Journal, files: ConversationFiles, writer: Writer, log: (line: string) => void): Promise<void> {
  // Files named by the old scheme move first, so the journal below finds what was applied.
  if (await migrateLegacyFiles(files, () => journalIds(journal), log)) await files.rescan();
  for (const segment of await journal.segments()) {
    const byConversation = new Map<string, PendingConversation>();
    for (const { position, record } of await journal.read<JournalRecord>(segment)) {
      addTurn(byConversation, record.c, JSON.stringify(record.s), record.t.at, { json: JSON.stringify(record.t), position });
    }
    const toApply: [string, PendingConversation][] = [];
    for (const [id, p] of byConversation) {
      const applied = (await files.readState(id).catch(() => null))?.applied;
      const turns = applied ? p.turns.filter((t) => comparePositions(t.position, applied) > 0) : p.turns;
      if (turns.length) toApply.push([id, { ...p, turns }]);
    }
    await writer.apply(files, toApply);
    await journal.remove(segment);
  }
}

/** The conversation ids in the journal segments left on disk. */
async function journalIds(journal: Journal): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const segment of await journal.segments()) for (const { record } of await journal.read<JournalRecord>(segment)) ids.add(record.c);
  return ids;
}
