/**
 * The lowdb store's file writer, on a thread of its own: it applies batches of journaled turns to
 * the per-conversation files (append the transcript lines, then rewrite the lowdb state file in
 * place), so the event loop that answers turns never waits for the file system. Plain JavaScript
 * so the thread starts without the TypeScript loader. See writer.ts.
 *
 * A transcript that ends in a line cut short by a crash gets that line ended before the next
 * append, so the partial line never swallows a turn (readers skip it). With `fsync`, every file
 * written (and the folders, for new files) is on disk before the batch is reported done, so the
 * journal segment removed afterwards is no longer needed after a power loss.
 */
import { closeSync, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { LowSync } from 'lowdb';

/** Transcripts known to end with a complete line (written whole by this thread); bounded, a forgotten one is checked again. */
const whole = new Set();
const MAX_WHOLE = 100_000;

function writeAll(fd, text) {
  const buf = Buffer.from(text, 'utf8');
  for (let done = 0; done < buf.length;) done += writeSync(fd, buf, done);
}

/** Whether an open file is empty or ends with a newline. */
function endsWithNewline(fd) {
  const { size } = fstatSync(fd);
  if (!size) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** Appends complete lines to a transcript, ending a partial last line first. */
function appendLines(path, lines, fsync) {
  const fd = openSync(path, 'a+');
  try {
    const text = whole.has(path) || endsWithNewline(fd) ? lines : `\n${lines}`;
    whole.delete(path);
    writeAll(fd, text);
    if (fsync) fdatasyncSync(fd);
    if (whole.size >= MAX_WHOLE) whole.clear();
    whole.add(path);
  } finally {
    closeSync(fd);
  }
}

/** lowdb's sync adapter, writing the file in place (the journal covers a torn write). */
class InPlaceJson {
  constructor(path, fsync) {
    this.path = path;
    this.fsync = fsync;
  }
  read() {
    return null;
  }
  write(data) {
    const fd = openSync(this.path, 'w');
    try {
      writeAll(fd, JSON.stringify(data));
      if (this.fsync) fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** Makes a folder's entries (new files) durable; a platform that cannot sync a folder is skipped. */
function syncDir(dir) {
  let fd;
  try {
    fd = openSync(dir, 'r');
    fdatasyncSync(fd);
  } catch (err) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EACCES', 'ENOTSUP'].includes(err?.code)) throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

parentPort.on('message', ({ id, jobs, fsync }) => {
  try {
    const dirs = new Set();
    for (const job of jobs) {
      // Transcript first: a crash between the two writes is repaired by the replay, and the repeated line is read once.
      appendLines(job.transcriptPath, job.lines, fsync);
      const db = new LowSync(new InPlaceJson(job.statePath, fsync), null);
      db.data = JSON.parse(job.stateFile);
      db.write();
      if (fsync) dirs.add(dirname(job.transcriptPath)).add(dirname(job.statePath));
    }
    for (const dir of dirs) syncDir(dir);
    parentPort.postMessage({ id });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
