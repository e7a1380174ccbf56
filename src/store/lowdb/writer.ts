/**
 * The writer thread (apply-worker.mjs) that applies journaled turns to the conversation files:
 * under load the file system work (creating two files per new conversation costs up to hundreds
 * of microseconds each in the kernel here) would otherwise take a third of the event loop's time
 * (BENCHMARKS.md).
 */
import { Worker } from 'node:worker_threads';
import type { ConversationFiles } from './files';
import { positionKey } from './journal';
import type { PendingConversation } from './pending';

/** Conversations per message to the writer thread. */
const APPLY_CHUNK = 256;

/** What the writer thread does for one conversation: append the transcript lines, then write the state file. */
interface ApplyJob {
  transcriptPath: string;
  statePath: string;
  lines: string;
  stateFile: string;
}

/** The writer thread, started on first use; it never keeps the process alive. */
export class Writer {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();

  constructor(private readonly fsync: boolean) {}

  /** Applies the conversations' journaled turns to their files. */
  async apply(files: ConversationFiles, entries: [string, PendingConversation][]): Promise<void> {
    for (let i = 0; i < entries.length; i += APPLY_CHUNK) {
      const chunk = entries.slice(i, i + APPLY_CHUNK);
      await this.run(chunk.map(([id, p]) => job(files, id, p)));
      for (const [id] of chunk) files.written(id);
    }
  }

  private run(jobs: ApplyJob[]): Promise<void> {
    if (!jobs.length) return Promise.resolve();
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, jobs, fsync: this.fsync });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./apply-worker.mjs', import.meta.url));
    worker.unref();
    worker.on('message', ({ id, error }: { id: number; error?: string }) => {
      const w = this.waiting.get(id);
      this.waiting.delete(id);
      if (error) w?.reject(new Error(error));
      else w?.resolve();
    });
    const fail = (err: Error) => {
      // A lost thread fails what it had; the batch is kept for the next checkpoint and a new thread starts.
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
      if (this.worker === worker) this.worker = undefined;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`file writer thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

/** The files of a conversation after its journaled turns: transcript lines to append, the state file to write. */
function job(files: ConversationFiles, id: string, p: PendingConversation): ApplyJob {
  // The turn's JSON with its journal position put first: {"j":"…",…the turn's fields}.
  const lines = p.turns.map(({ json, position }) => `{"j":${JSON.stringify(positionKey(position))},${json.slice(1)}\n`).join('');
  const stateFile = `{"conversationId":${JSON.stringify(id)},"state":${p.state},"updatedAt":${JSON.stringify(p.updatedAt)},"applied":${JSON.stringify(p.last)}}`;
  return { transcriptPath: files.transcriptPath(id), statePath: files.statePath(id), lines, stateFile };
}
