/**
 * The lowdb store's file writer, on a thread of its own: it applies batches of journaled turns to
 * the per-conversation files (append the transcript lines, then rewrite the lowdb state file in
 * place), so the event loop that answers turns never waits for the file system. Plain JavaScript
 * so the thread starts without the TypeScript loader. See src/store/lowdb.ts.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { LowSync } from 'lowdb';

/** lowdb's sync adapter, writing the file in place (the journal covers a torn write). */
class InPlaceJson {
  constructor(path) {
    this.path = path;
  }
  read() {
    return null;
  }
  write(data) {
    writeFileSync(this.path, JSON.stringify(data));
  }
}

parentPort.on('message', ({ id, jobs }) => {
  try {
    for (const job of jobs) {
      // Transcript first: a crash between the two writes is repaired by the replay, and the repeated line is read once.
      appendFileSync(job.transcriptPath, job.lines, 'utf8');
      const db = new LowSync(new InPlaceJson(job.statePath), null);
      db.data = JSON.parse(job.stateFile);
      db.write();
    }
    parentPort.postMessage({ id });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
