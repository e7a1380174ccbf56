/**
 * Durability of the lowdb store's files: a line cut short by a crash or a failed write (transcript,
 * handoff tickets, journal segment) never swallows the record written after it, and
 * JIANLI_FSYNC=1 makes every answered turn reach the disk (fdatasync) before `conversations.write` resolves.
 *
 * node:fs is wrapped, not replaced: every call goes to the real function. The wrapper lets a test
 * cut a journal write short (a full disk) and records which files were synced, and when.
 */
import { appendFileSync, cpSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { exportConversation } from '../../src/store/export';
import { LowdbStore } from '../../src/store/lowdb';
import { openStore, storeSettingsFromEnv } from '../../src/store/open';
import { stateWith, ticket, turn } from '../helpers/records';
import { tempDirs } from '../helpers/temp';

const fault = vi.hoisted(() => ({
  /** Cut the next journal write short after this many bytes, then fail it as a full disk does. */
  cutAfter: undefined as number | undefined,
  /** fdatasync calls: the file (inode), its size when the sync was asked for, and whether it completed. */
  syncs: [] as { ino: number; size: number; done: boolean }[],
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const wrapped = {
    ...fs,
    writeSync: ((fd: number, buffer: Buffer, offset?: number, ...rest: unknown[]) => {
      if (fault.cutAfter !== undefined && Buffer.isBuffer(buffer)) {
        const n = fault.cutAfter;
        fault.cutAfter = undefined;
        fs.writeSync(fd, buffer, offset ?? 0, Math.min(n, buffer.length - (offset ?? 0)));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      return (fs.writeSync as (...a: unknown[]) => number)(fd, buffer, offset, ...rest);
    }) as typeof fs.writeSync,
    fdatasync: ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      const { ino, size } = fs.fstatSync(fd);
      const call = { ino, size, done: false };
      fault.syncs.push(call);
      fs.fdatasync(fd, (err) => {
        call.done = !err;
        cb(err);
      });
    }) as typeof fs.fdatasync,
  };
  return { ...wrapped, default: wrapped };
});

const { temp, cleanup } = tempDirs();
afterAll(cleanup);
const tempDir = () => temp('jianli-durable-');
const stalled = (dir: string) => new LowdbStore(dir, { checkpointMs: 100_000_000 });
const texts = async (s: LowdbStore, id: string) => (await exportConversation(s, id))?.turns.map((t) => t.text);
const segments = (dir: string) => readdirSync(join(dir, 'journal')).filter((f) => f.endsWith('.jsonl'));

describe('a line cut short by a crash', () => {
  it('does not swallow the next turn appended to the transcript, nor the next handoff ticket', async () => {
    const dir = tempDir();
    const s = new LowdbStore(dir);
    for (const [n, t] of ['一', '二', '三'].entries()) await s.conversations.write('c', stateWith(n + 1), turn(t));
    await s.tickets.save(ticket('T1', 'c'));
    await s.close();
    // The crash: the transcript and the ticket file end in half a line, no newline.
    appendFileSync(join(dir, 'transcripts', 'c.jsonl'), '{"j":"000000000000001-1-000000#7","at":"2026-');
    appendFileSync(join(dir, 'handoffs', 'c.jsonl'), '{"id":"T-cut","conv');

    const reopened = new LowdbStore(dir);
    await reopened.conversations.write('c', stateWith(4), turn('四'));
    await reopened.conversations.write('c', stateWith(5), turn('五'));
    await reopened.tickets.save(ticket('T2', 'c'));
    await reopened.flush();
    expect(await texts(reopened, 'c')).toEqual(['一', '二', '三', '四', '五']);
    expect((await reopened.tickets.list(10, 'c')).map((t) => t.id).sort()).toEqual(['T1', 'T2']);
    await reopened.close();

    const again = new LowdbStore(dir);
    expect(await texts(again, 'c')).toEqual(['一', '二', '三', '四', '五']);
    // Only the cut line is unreadable; it stays on a line of its own.
    const lines = readFileSync(join(dir, 'transcripts', 'c.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean);
    expect(lines.filter((l) => !isJson(l))).toEqual(['{"j":"000000000000001-1-000000#7","at":"2026-']);
    await again.close();
  });

  it('keeps a turn whose transcript line a crash cut short while its journal segment was still there', async () => {
    const dir = tempDir();
    const s = stalled(dir);
    await s.conversations.write('c', stateWith(1), turn('一'));
    await s.conversations.write('c', stateWith(2), turn('二'));
    await s.flush();
    const stateBefore = readFileSync(join(dir, 'conversations', 'c.json'), 'utf8');
    await s.conversations.write('c', stateWith(3), turn('三'));
    // Keep the segment as the crash would, and apply it.
    cpSync(join(dir, 'journal'), join(dir, 'saved'), { recursive: true });
    await s.flush();
    for (const f of readdirSync(join(dir, 'saved'))) cpSync(join(dir, 'saved', f), join(dir, 'journal', f));
    // The crash hit while turn 三's line was being appended: half of it, and the state file not yet rewritten.
    const path = join(dir, 'transcripts', 'c.jsonl');
    const text = readFileSync(path, 'utf8');
    const lastLine = text.lastIndexOf('\n', text.length - 2) + 1;
    truncateSync(path, Buffer.byteLength(text.slice(0, lastLine + (text.length - lastLine) / 2)));
    writeFileSync(join(dir, 'conversations', 'c.json'), stateBefore);

    // Not closed: the process died. The next start applies the segment again.
    const restarted = new LowdbStore(dir);
    expect(await texts(restarted, 'c')).toEqual(['一', '二', '三']);
    await restarted.conversations.write('c', stateWith(4), turn('四'));
    await restarted.close();
    const again = new LowdbStore(dir);
    expect(await texts(again, 'c')).toEqual(['一', '二', '三', '四']);
    expect((await again.conversations.read('c'))?.turns).toBe(4);
    await again.close();
  });

  it('does not let a journal write cut short (disk full) swallow the next answered turn, nor a crash-torn segment', async () => {
    const dir = tempDir();
    const s = stalled(dir);
    await s.conversations.write('c', stateWith(1), turn('一'));
    // The disk fills in the middle of turn 二's line: that turn is refused (never answered).
    fault.cutAfter = 20;
    await expect(s.conversations.write('c', stateWith(2), turn('二'))).rejects.toThrow(/ENOSPC/);
    // Space again: turn 三 is answered, so it must survive a crash.
    await s.conversations.write('c', stateWith(3), turn('三'));
    // The crash also tears the segment's last line (a turn being written, never answered).
    const [segment] = segments(dir);
    appendFileSync(join(dir, 'journal', segment), '{"i":3,"r":{"c":"c","s":{"tu');
    // Not closed: the process died; the next start applies the segment.
    const restarted = new LowdbStore(dir);
    await restarted.conversations.write('c', stateWith(4), turn('四'));
    const after = await texts(restarted, 'c');
    expect(after).toEqual(expect.arrayContaining(['一', '三', '四']));
    expect(after?.filter((t) => t !== '二')).toEqual(['一', '三', '四']);
    expect(segments(dir)).toHaveLength(1);
    await restarted.close();
  });
});

const isJson = (l: string) => {
  try {
    JSON.parse(l);
    return true;
  } catch {
    return false;
  }
};

describe('JIANLI_FSYNC', () => {
  it('=1: each answered turn was synced to disk, in its journal segment, before write resolved', async () => {
    const dir = tempDir();
    const store = openStore(storeSettingsFromEnv({ JIANLI_DATA: dir, JIANLI_FSYNC: '1' })) as LowdbStore;
    fault.syncs = [];
    await store.conversations.write('f', stateWith(1), turn('一'));
    const segmentFile = join(dir, 'journal', segments(dir)[0]);
    const { ino, size } = statSync(segmentFile);
    // A sync of the segment that started once the whole line was written, and completed before the turn was answered.
    expect(fault.syncs.some((c) => c.ino === ino && c.size === size && c.done)).toBe(true);
    await Promise.all([store.conversations.write('f', stateWith(2), turn('二')), store.conversations.write('g', stateWith(1), turn('甲'))]);
    const synced = fault.syncs.filter((c) => c.ino === ino && c.done);
    expect(Math.max(...synced.map((c) => c.size))).toBe(statSync(segmentFile).size);
    expect(store.journalStats().syncs).toBeGreaterThanOrEqual(2);
    // The checkpoint at close syncs the conversation files on the writer thread; they are complete.
    await store.close();
    const reopened = new LowdbStore(dir);
    expect(await texts(reopened, 'f')).toEqual(['一', '二']);
    await reopened.close();
  });

  it('unset: turns are answered without a sync; other values are refused with the reason', async () => {
    const dir = tempDir();
    const store = openStore(storeSettingsFromEnv({ JIANLI_DATA: dir })) as LowdbStore;
    fault.syncs = [];
    await store.conversations.write('f', stateWith(1), turn('一'));
    expect(fault.syncs).toEqual([]);
    expect(store.journalStats().syncs).toBe(0);
    await store.close();
    expect(() => storeSettingsFromEnv({ JIANLI_DATA: dir, JIANLI_FSYNC: 'yes' })).toThrow(/JIANLI_FSYNC must be 1/);
  });
});
