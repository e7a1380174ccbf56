/**
 * File names for conversation ids in the lowdb store, and the move of files named by the old scheme.
 *
 * Ids come from users, so the mapping must be one-to-one: two ids never share a file, not even on a
 * case-insensitive file system (macOS, Windows). Lower-case letters, digits and `-` are kept; every
 * other UTF-16 code unit is escaped as `%hh` (below U+0100) or `%uhhhh`, in lower-case hex, so
 * `a:b` is `a%3ab`, `a_b` is `a%5fb` and `A` is `%41`. The escaping is reversible, hence one-to-one.
 * A name that would be too long for a file system (or empty) is the start of the escaped id, `~`
 * and the SHA-256 of the whole id: `~` never occurs in an escaped id, so the two forms never meet.
 *
 * The old scheme (until this change) kept `[\w.:-]` ids with `:` written as `_` (so `a:b` and `a_b`
 * shared files) and hashed others to `h_<40 hex>`. `migrateLegacyFiles` renames such files at
 * start-up, taking the real id from the state file (or the journal, or the name itself when the
 * name is unambiguous); what it cannot place stays where it is and is logged.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appendLines } from './json-lines';

/** Escaped ids up to this length are the file name itself (file names may have 255 bytes). */
const MAX_PLAIN = 160;
/** The readable start of a hashed name. */
const HASHED_PREFIX = 80;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function escapeId(id: string): string {
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d) out += id[i];
    else out += c < 0x100 ? `%${hex(c, 2)}` : `%u${hex(c, 4)}`;
  }
  return out;
}

/** The file name (without extension) of a conversation's files. */
export function fileName(conversationId: string): string {
  const escaped = escapeId(conversationId);
  if (escaped && escaped.length <= MAX_PLAIN) return escaped;
  // Cut the readable start at an escape's boundary.
  let cut = Math.min(HASHED_PREFIX, escaped.length);
  const escapeStart = escaped.lastIndexOf('%', cut - 1);
  if (escapeStart >= 0 && escapeStart + (escaped[escapeStart + 1] === 'u' ? 6 : 3) > cut) cut = escapeStart;
  // Hashed as UTF-16 code units: ids with lone surrogates stay apart too (UTF-8 would replace them).
  return `${escaped.slice(0, cut)}~${createHash('sha256').update(Buffer.from(conversationId, 'utf16le')).digest('hex')}`;
}

const NAME = /^(?:[a-z0-9-]|%[0-9a-f]{2}|%u[0-9a-f]{4})*(?:~[0-9a-f]{64})?$/;

/** Whether a file name (without extension) is one `fileName` makes. */
export function isFileName(name: string): boolean {
  return name.length > 0 && NAME.test(name);
}

/** The id of a file name, or undefined for a hashed name (its state file knows the id). */
export function idOfFileName(name: string): string | undefined {
  if (!isFileName(name) || name.includes('~')) return undefined;
  return name.replace(/%u([0-9a-f]{4})|%([0-9a-f]{2})/g, (_, u: string | undefined, b: string | undefined) => String.fromCharCode(parseInt(u ?? b ?? '', 16)));
}

/** The old scheme's name of an id (to recognise old files). */
export function legacyFileName(conversationId: string): string {
  if (/^[\w.:-]{1,100}$/.test(conversationId) && !conversationId.startsWith('.')) return conversationId.replace(/:/g, '_');
  return `h_${createHash('sha256').update(conversationId).digest('hex').slice(0, 40)}`;
}

export interface StoreFolders {
  stateDir: string;
  transcriptDir: string;
  handoffDir: string;
}

/** Names (without extension) of old-scheme files in a folder. */
async function legacyNames(dir: string, ext: string): Promise<Set<string>> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return new Set(
    names
      .filter((n) => n.endsWith(ext) && !n.startsWith('.'))
      .map((n) => n.slice(0, -ext.length))
      .filter((n) => !isFileName(n)),
  );
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Appends a file's content to another (the second's complete lines after the first's), then removes the first. */
async function moveLines(from: string, to: string): Promise<void> {
  if (!(await exists(to))) {
    await rename(from, to);
    return;
  }
  const head = await readFile(from, 'utf8');
  const tail = await readFile(to, 'utf8');
  await writeFile(`${to}.merge`, `${head}${head && !head.endsWith('\n') ? '\n' : ''}${tail}`);
  await rename(`${to}.merge`, to);
  await rm(from, { force: true });
}

/**
 * Renames the files of the old naming scheme to `fileName` of their conversation. Returns how many
 * conversations moved. Runs before the journal is applied, so the state files' journal positions
 * still tell what was applied. A conversation whose id cannot be known is left in place and logged.
 */
export async function migrateLegacyFiles(dirs: StoreFolders, journalIds: () => Promise<Iterable<string>>, log: (line: string) => void): Promise<number> {
  const states = await legacyNames(dirs.stateDir, '.json');
  const transcripts = await legacyNames(dirs.transcriptDir, '.jsonl');
  const handoffs = await legacyNames(dirs.handoffDir, '.jsonl');
  let moved = 0;
  let fromJournal: Map<string, string | null> | undefined;
  for (const name of new Set([...states, ...transcripts])) {
    const statePath = join(dirs.stateDir, `${name}.json`);
    const transcriptPath = join(dirs.transcriptDir, `${name}.jsonl`);
    let id: string | undefined;
    try {
      const data = JSON.parse(await readFile(statePath, 'utf8')) as { conversationId?: unknown } | null;
      if (typeof data?.conversationId === 'string' && legacyFileName(data.conversationId) === name) id = data.conversationId;
    } catch {
      // No state file, or one torn by a crash: the journal may still name the conversation.
    }
    if (id === undefined) {
      if (!fromJournal) {
        fromJournal = new Map();
        for (const j of await journalIds()) {
          const legacy = legacyFileName(j);
          // Two ids with one old name (`a:b`, `a_b`): the journal cannot tell whose files these are.
          fromJournal.set(legacy, fromJournal.has(legacy) && fromJournal.get(legacy) !== j ? null : j);
        }
      }
      id = fromJournal.get(name) ?? undefined;
    }
    // An old readable name without `_` is its id (only `:` was rewritten, to `_`).
    if (id === undefined && !name.includes('_')) id = name;
    if (id === undefined) {
      log(`store: left ${name}.json/.jsonl under their old names: the conversation id is unknown (no readable state file)`);
      continue;
    }
    const target = fileName(id);
    // Transcript first, state file last: a crash in between leaves the state file to move at the next start.
    if (transcripts.has(name)) await moveLines(transcriptPath, join(dirs.transcriptDir, `${target}.jsonl`));
    if (states.has(name)) {
      // A state file under the new name was written after the old one: it is the newer state.
      if (await exists(join(dirs.stateDir, `${target}.json`))) await rm(statePath, { force: true });
      else await rename(statePath, join(dirs.stateDir, `${target}.json`));
    }
    moved++;
  }
  // Tickets carry their conversation id: each goes to its own conversation's file.
  for (const name of handoffs) {
    const path = join(dirs.handoffDir, `${name}.jsonl`);
    const byTarget = new Map<string, { id: string; line: string }[]>();
    for (const line of (await readFile(path, 'utf8')).split('\n')) {
      try {
        const t = JSON.parse(line) as { id?: unknown; conversationId?: unknown };
        if (typeof t?.conversationId !== 'string' || typeof t.id !== 'string') continue;
        const target = fileName(t.conversationId);
        byTarget.set(target, [...(byTarget.get(target) ?? []), { id: t.id, line }]);
      } catch {
        // A line cut short by a crash: never a readable ticket.
      }
    }
    for (const [target, tickets] of byTarget) {
      const targetPath = join(dirs.handoffDir, `${target}.jsonl`);
      // Tickets already moved by a start that stopped half-way are not added twice.
      const have = new Set((await readFile(targetPath, 'utf8').catch(() => '')).split('\n').map(ticketId));
      const text = tickets
        .filter((t) => !have.has(t.id))
        .map((t) => `${t.line}\n`)
        .join('');
      if (text) await appendLines(targetPath, text);
    }
    await rm(path, { force: true });
  }
  if (moved) log(`store: renamed the files of ${moved} conversation(s) to the one-to-one naming scheme`);
  return moved;
}

function ticketId(line: string): string | undefined {
  try {
    return (JSON.parse(line) as { id?: string }).id;
  } catch {
    return undefined;
  }
}
