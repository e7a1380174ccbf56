/** JSON-lines files that survive a crash: a line cut short is ended before the next append, and skipped when read. */
import { open, readFile } from 'node:fs/promises';

/**
 * Appends complete lines to a JSON-lines file. If the file ends in a line cut short by a crash,
 * that line is ended first, so it never swallows the first line appended (readers skip it).
 * With `sync`, the data is on disk when this resolves.
 */
export async function appendLines(path: string, lines: string, sync = false): Promise<void> {
  const h = await open(path, 'a+');
  try {
    const { size } = await h.stat();
    let text = lines;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await h.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) text = `\n${text}`;
    }
    await h.appendFile(text, 'utf8');
    if (sync) await h.datasync();
  } finally {
    await h.close();
  }
}

/** A JSON-lines file's complete lines; a line cut short by a crash is skipped; a missing file is empty. */
export async function readJsonLines<T>(path: string): Promise<T[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const rows: T[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      rows.push(JSON.parse(line) as T);
    } catch {
      // Partial last line after a crash: not a complete record.
    }
  }
  return rows;
}
