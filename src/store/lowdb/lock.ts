/** One process applies a data folder's journal: a lock file with its pid keeps a second one out. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class DataFolderLock {
  constructor(private readonly path: string) {}

  /** Takes the lock; a folder held by another live process is refused with the reason. */
  acquire(): void {
    let holder: number | undefined;
    try {
      holder = Number(readFileSync(this.path, 'utf8'));
    } catch {
      // No lock yet.
    }
    if (holder && holder !== process.pid && alive(holder)) {
      throw new Error(
        `the data folder ${dirname(this.path)} is in use by another process (pid ${holder}): stop the server first, or use its admin API (if that process is gone, remove ${this.path})`,
      );
    }
    writeFileSync(this.path, String(process.pid));
  }

  /** Removes the lock file if this process holds it. */
  release(): void {
    try {
      if (Number(readFileSync(this.path, 'utf8')) === process.pid) rmSync(this.path, { force: true });
    } catch {
      // Already gone.
    }
  }
}

/** Whether a process exists (EPERM: it does, but belongs to someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
