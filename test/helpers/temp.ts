import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ROOT } from '../../src/knowledge/load';

export interface TempDirs {
  /** A new empty folder. */
  temp(prefix: string): string;
  /** A new folder with a copy of knowledge/ and dialogs/ an operator (or a test) may edit. */
  knowledgeCopy(prefix: string): string;
  /** Removes every folder made so far. */
  cleanup(): void;
}

/** Temporary folders for one test file. */
export function tempDirs(): TempDirs {
  const dirs: string[] = [];
  const temp = (prefix: string) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  return {
    temp,
    knowledgeCopy: (prefix) => {
      const root = temp(prefix);
      cpSync(join(DEFAULT_ROOT, 'knowledge'), join(root, 'knowledge'), { recursive: true });
      cpSync(join(DEFAULT_ROOT, 'dialogs'), join(root, 'dialogs'), { recursive: true });
      return root;
    },
    cleanup: () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })),
  };
}
