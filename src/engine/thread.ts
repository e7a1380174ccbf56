/**
 * The engine's turns on a worker thread, so the server's event loop keeps only HTTP, the store and
 * the observers (on the 2-core benchmark machine the event loop was the bottleneck, ~90% busy, while
 * the second core sat partly idle: BENCHMARKS.md). A turn is pure (state + message → result), so
 * the thread needs nothing but the same knowledge files. Turns asked for in one event-loop turn go
 * over in one message: one thread wake-up per batch, not per turn.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ConversationState, TurnEvent, TurnResult } from './types';

/**
 * The engine thread's young generation (V8's nursery: two semi-spaces and the new large objects),
 * 12 MiB instead of V8's default 48: loading the knowledge and training grow a default nursery to
 * its maximum, which then stays resident (~20 MiB more for the process: BENCHMARKS.md). A turn
 * allocates little and keeps less, so its scavenges stay short.
 */
export const ENGINE_YOUNG_GENERATION_MB = 12;

/** The thread itself failed (could not load the knowledge, or died), not one turn. */
export class EngineThreadDown extends Error {}

type Reply = { ready: true } | { failed: string } | { results: { id: number; result?: TurnResult; error?: string }[] };

export class EngineThread {
  private readonly worker: Worker;
  private batch: { id: number; state: ConversationState; event: TurnEvent }[] = [];
  private readonly waiting = new Map<number, { resolve: (r: TurnResult) => void; reject: (err: Error) => void }>();
  private nextId = 0;
  private scheduled = false;
  private down: Error | undefined;
  private readonly started: Promise<void>;

  /** Starts the thread; it loads and trains from the knowledge under `root`, as the main thread did. */
  constructor(root: string) {
    this.worker = new Worker(new URL('./thread-worker.mjs', import.meta.url), {
      workerData: { root },
      resourceLimits: { maxYoungGenerationSizeMb: ENGINE_YOUNG_GENERATION_MB },
    });
    // An idle server may exit: the thread never keeps the process alive on its own.
    this.worker.unref();
    let started!: { resolve: () => void; reject: (err: Error) => void };
    this.started = new Promise((resolve, reject) => (started = { resolve, reject }));
    // Nobody may be waiting for ready() when it fails; the turns still see the failure.
    this.started.catch(() => undefined);
    this.worker.on('message', (m: Reply) => {
      if ('ready' in m) started.resolve();
      else if ('failed' in m) this.fail(new EngineThreadDown(`engine thread could not start: ${m.failed}`), started.reject);
      else
        for (const r of m.results) {
          const w = this.waiting.get(r.id);
          this.waiting.delete(r.id);
          if (r.error !== undefined) w?.reject(new Error(r.error));
          else if (r.result !== undefined) w?.resolve(r.result);
          else w?.reject(new Error('the engine thread answered without a result'));
        }
    });
    this.worker.on('error', (err) => this.fail(new EngineThreadDown(`engine thread failed: ${err.message}`), started.reject));
    this.worker.on('exit', (code) => this.fail(new EngineThreadDown(`engine thread exited (${code})`), started.reject));
  }

  /** Resolves once the thread has its knowledge and answers; rejects if it cannot start. */
  ready(): Promise<void> {
    return this.started;
  }

  turn(state: ConversationState, event: TurnEvent): Promise<TurnResult> {
    if (this.down) return Promise.reject(this.down);
    const id = this.nextId++;
    this.batch.push({ id, state, event });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.send());
    }
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }

  private send(): void {
    this.scheduled = false;
    const batch = this.batch;
    this.batch = [];
    if (this.down) {
      for (const { id } of batch) this.settleFailed(id);
      return;
    }
    this.worker.postMessage(batch);
  }

  private settleFailed(id: number): void {
    const w = this.waiting.get(id);
    this.waiting.delete(id);
    w?.reject(this.down ?? new Error('the engine thread is down'));
  }

  private fail(err: Error, rejectStart: (err: Error) => void): void {
    if (this.down) return;
    this.down = err;
    rejectStart(err);
    for (const id of [...this.waiting.keys()]) this.settleFailed(id);
  }

  /** Stops the thread once the turns already sent have come back. */
  async stop(): Promise<void> {
    while (this.waiting.size && !this.down) await new Promise((r) => setTimeout(r, 5));
    this.down ??= new EngineThreadDown('engine thread stopped');
    await this.worker.terminate();
  }
}

/**
 * JIANLI_ENGINE_THREAD: 1 = the engine runs on its own thread, 0 = on the event loop; unset = on
 * its own thread when the machine has more than one core (on one core it only adds hand-overs).
 */
export function engineThreadWanted(env: NodeJS.ProcessEnv): boolean {
  const v = env.JIANLI_ENGINE_THREAD?.trim();
  if (v === undefined || v === '') return availableParallelism() > 1;
  if (v === '1' || v === '0') return v === '1';
  throw new Error('JIANLI_ENGINE_THREAD must be 1 (engine on its own thread) or 0 (on the event loop)');
}
