/**
 * A group-commit journal: an append-only JSON-lines file that many concurrent writers share.
 * Lines queued while a write is in flight go out together in the next single write, so under load
 * one write call stores a whole batch of turns instead of a file round trip per turn.
 *
 * The journal is split into segments; `rotate` starts a new one so the closed one can be applied
 * elsewhere and removed. Segment names sort in the order they were written and never repeat.
 */
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const SUFFIX = '.jsonl';

/** A position in the journal: the segment and the line's index within it. */
export interface JournalPosition {
  segment: string;
  index: number;
}

class Segment {
  private handle: Promise<FileHandle> | undefined;
  private queued: string[] = [];
  private waiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private writing: Promise<void> | undefined;
  lines = 0;
  /** Write calls made: under load far fewer than lines (the point of group commit). */
  writes = 0;

  constructor(
    readonly name: string,
    readonly path: string,
  ) {}

  /** Queues a record given as JSON text; resolves once it is in the file. The line carries its own index, so a failed write leaves no ambiguity. */
  append(json: string): { position: JournalPosition; written: Promise<void> } {
    const position = { segment: this.name, index: this.lines++ };
    this.queued.push(`{"i":${position.index},"r":${json}}\n`);
    const written = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.writing ??= this.drain();
    return { position, written };
  }

  private async drain(): Promise<void> {
    while (this.queued.length) {
      const batch = this.queued.join('');
      const waiters = this.waiters;
      this.queued = [];
      this.waiters = [];
      try {
        this.handle ??= open(this.path, 'a');
        this.writes++;
        await (await this.handle).write(batch);
        waiters.forEach((w) => w.resolve());
      } catch (err) {
        waiters.forEach((w) => w.reject(err as Error));
      }
    }
    this.writing = undefined;
  }

  /** Waits for queued lines and closes the file. */
  async close(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.handle) await (await this.handle).close().catch(() => undefined);
    this.handle = undefined;
  }
}

/** Orders positions by segment age, then line. */
export function comparePositions(a: JournalPosition, b: JournalPosition): number {
  return a.segment < b.segment ? -1 : a.segment > b.segment ? 1 : a.index - b.index;
}

/** A position as a short string key (kept on each transcript line, so a replayed turn is recognised). */
export function positionKey(p: JournalPosition): string {
  return `${p.segment}#${p.index}`;
}

export class Journal {
  private current: Segment;
  private counter = 0;
  /** Lines and write calls of the segments closed so far (see `stats`). */
  private closedLines = 0;
  private closedWrites = 0;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.current = this.newSegment();
  }

  /** Segment names: start time, process and a counter, so they sort by age and never repeat. */
  private newSegment(): Segment {
    const name = `${String(Date.now()).padStart(15, '0')}-${process.pid}-${String(this.counter++).padStart(6, '0')}`;
    return new Segment(name, join(this.dir, name + SUFFIX));
  }

  /** Appends a record given as JSON text (callers often have parts of it serialised already). */
  append(json: string): { position: JournalPosition; written: Promise<void> } {
    return this.current.append(json);
  }

  /** Starts a new segment; resolves with the closed one's name (or undefined if it was empty) once its writes are done. */
  async rotate(): Promise<string | undefined> {
    const closed = this.current;
    if (!closed.lines) return undefined;
    this.current = this.newSegment();
    await closed.close();
    this.closedLines += closed.lines;
    this.closedWrites += closed.writes;
    return closed.name;
  }

  /** Lines appended and write calls made since start-up. */
  stats(): { lines: number; writes: number } {
    return { lines: this.closedLines + this.current.lines, writes: this.closedWrites + this.current.writes };
  }

  async close(): Promise<void> {
    await this.current.close();
  }

  /** Segments on disk, oldest first (after a crash: the ones not yet applied). */
  async segments(): Promise<string[]> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith(SUFFIX)).map((n) => n.slice(0, -SUFFIX.length));
    return names.filter((n) => n !== this.current.name).sort();
  }

  /** A segment's complete lines with their positions; a line cut short by a crash is skipped. */
  async read<T>(segment: string): Promise<{ position: JournalPosition; record: T }[]> {
    const text = await readFile(join(this.dir, segment + SUFFIX), 'utf8').catch(() => '');
    const out: { position: JournalPosition; record: T }[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const { i, r } = JSON.parse(line) as { i: number; r: T };
        out.push({ position: { segment, index: i }, record: r });
      } catch {
        // The partial last line of a killed process: that turn was never answered.
      }
    }
    return out;
  }

  async remove(segment: string): Promise<void> {
    await rm(join(this.dir, segment + SUFFIX), { force: true });
  }
}
