/**
 * The lowdb store's journal: a turn is durable once answered even before its conversation files
 * are written, a crash at any point is repaired at the next start without losing or repeating a
 * turn, concurrent turns share writes, and a second process cannot apply the same journal.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { exportConversation } from '../../src/store/export';
import { LowdbStore } from '../../src/store/lowdb';
import { stateWith, turn } from '../helpers/records';
import { tempDirs } from '../helpers/temp';

const { temp, cleanup } = tempDirs();
afterAll(cleanup);
const tempDir = () => temp('jianli-journal-');
/** A store that never checkpoints by itself: what it leaves behind is what a killed server leaves. */
const stalled = (dir: string) => new LowdbStore(dir, { checkpointMs: 100_000_000 });
/** A checkpoint whose journal segments are still there afterwards, as a crash before their removal leaves them. */
async function flushKeepingSegments(s: LowdbStore, dir: string): Promise<void> {
  const saved = join(dir, 'saved');
  cpSync(join(dir, 'journal'), saved, { recursive: true });
  await s.flush();
  for (const f of readdirSync(saved)) cpSync(join(saved, f), join(dir, 'journal', f));
}
const segments = (dir: string) => readdirSync(join(dir, 'journal')).filter((f) => f.endsWith('.jsonl'));

describe('lowdb journal', () => {
  it('shows turns not yet written to the conversation files, in order', async () => {
    const s = stalled(tempDir());
    await s.conversations.write('a', stateWith(1), turn('一'));
    await s.conversations.write('a', stateWith(2), turn('二'));
    expect((await exportConversation(s, 'a'))?.turns.map((t) => t.text)).toEqual(['一', '二']);
    await s.flush();
    await s.conversations.write('a', stateWith(3), turn('三'));
    const e = await exportConversation(s, 'a');
    expect(e?.turns.map((t) => t.text)).toEqual(['一', '二', '三']);
    expect(e?.state.turns).toBe(3);
    await s.close();
  });

  it('keeps answered turns through a crash before any checkpoint: the next start applies the journal', async () => {
    const dir = tempDir();
    const crashed = stalled(dir);
    await crashed.conversations.write('a', stateWith(1), turn('一'));
    await crashed.conversations.write('b', stateWith(1), turn('甲'));
    await crashed.conversations.write('a', stateWith(2), turn('二'));
    expect(readdirSync(join(dir, 'conversations'))).toEqual([]);
    // Not closed: the process "died" here.
    const restarted = new LowdbStore(dir);
    expect((await exportConversation(restarted, 'a'))?.turns.map((t) => t.text)).toEqual(['一', '二']);
    expect((await restarted.conversations.read('a'))?.turns).toBe(2);
    expect((await exportConversation(restarted, 'b'))?.turns.map((t) => t.text)).toEqual(['甲']);
    expect(readdirSync(join(dir, 'conversations')).sort()).toEqual(['a.json', 'b.json']);
    expect(segments(dir)).toEqual([]);
    await restarted.close();
  });

  it('recovers a crashed store reopened in the same process within the same millisecond', async () => {
    // Segment names start with the time: a reopened journal must still not take the crashed one's name.
    const now = vi.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
    try {
      const dir = tempDir();
      const crashed = stalled(dir);
      await crashed.conversations.write('a', stateWith(1), turn('一'));
      const restarted = new LowdbStore(dir);
      expect((await exportConversation(restarted, 'a'))?.turns.map((t) => t.text)).toEqual(['一']);
      await restarted.conversations.write('a', stateWith(2), turn('二'));
      await restarted.flush();
      expect((await exportConversation(restarted, 'a'))?.turns.map((t) => t.text)).toEqual(['一', '二']);
      await restarted.close();
    } finally {
      now.mockRestore();
    }
  });

  it('applies a segment once even when a crash left it behind after its transcript lines were written', async () => {
    const dir = tempDir();
    const s = stalled(dir);
    await s.conversations.write('a', stateWith(1), turn('一'));
    await s.flush();
    const oldState = readFileSync(join(dir, 'conversations', 'a.json'), 'utf8');
    await s.conversations.write('a', stateWith(2), turn('二'));
    await s.conversations.write('a', stateWith(3), turn('三'));
    await flushKeepingSegments(s, dir);
    // The crash: transcript lines written, state file not yet, segment not yet removed.
    writeFileSync(join(dir, 'conversations', 'a.json'), oldState);
    const restarted = new LowdbStore(dir);
    const e = await exportConversation(restarted, 'a');
    expect(e?.turns.map((t) => t.text)).toEqual(['一', '二', '三']);
    expect(e?.state.turns).toBe(3);
    await restarted.close();
  });

  it('rewrites a state file torn by a crash from the journal segment still there', async () => {
    const dir = tempDir();
    const s = stalled(dir);
    await s.conversations.write('a', stateWith(1), turn('一'));
    await s.conversations.write('a', stateWith(2), turn('二'));
    await flushKeepingSegments(s, dir);
    const whole = readFileSync(join(dir, 'conversations', 'a.json'), 'utf8');
    writeFileSync(join(dir, 'conversations', 'a.json'), whole.slice(0, whole.length / 2));
    const restarted = new LowdbStore(dir);
    const e = await exportConversation(restarted, 'a');
    expect(e?.state.turns).toBe(2);
    expect(e?.turns.map((t) => t.text)).toEqual(['一', '二']);
    expect(JSON.parse(readFileSync(join(dir, 'conversations', 'a.json'), 'utf8')).state.turns).toBe(2);
    await restarted.close();
  });

  it('keeps the turns when their files cannot be written, and writes them at a later checkpoint', async () => {
    const dir = tempDir();
    const s = stalled(dir);
    await s.conversations.write('a', stateWith(1), turn('一'));
    // A directory where the transcript file should be: the writer thread fails on it.
    mkdirSync(join(dir, 'transcripts', 'a.jsonl'));
    await expect(s.flush()).rejects.toThrow(/EISDIR|illegal operation on a directory/);
    await s.conversations.write('a', stateWith(2), turn('二'));
    expect((await exportConversation(s, 'a'))?.turns.map((t) => t.text)).toEqual(['一', '二']);
    expect(segments(dir).length).toBeGreaterThan(0);
    rmSync(join(dir, 'transcripts', 'a.jsonl'), { recursive: true });
    await s.flush();
    expect(
      readFileSync(join(dir, 'transcripts', 'a.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(dir, 'conversations', 'a.json'), 'utf8')).state.turns).toBe(2);
    // The failed segment is removed with the checkpoint that applied its turns.
    expect(segments(dir)).toEqual([]);
    await s.close();
  });

  it('stores many concurrent turns with a few shared writes', async () => {
    const s = new LowdbStore(tempDir());
    await Promise.all(Array.from({ length: 500 }, (_, i) => s.conversations.write(`c${i}`, stateWith(1), turn(`m${i}`))));
    const { lines, writes } = s.journalStats();
    expect(lines).toBe(500);
    expect(writes).toBeLessThan(50);
    expect((await exportConversation(s, 'c499'))?.turns.map((t) => t.text)).toEqual(['m499']);
    await s.close();
  });

  it('reports a journal recovery that failed: ready() rejects with the reason, health is not ok, operations fail', async () => {
    const dir = tempDir();
    const crashed = stalled(dir);
    await crashed.conversations.write('a', stateWith(1), turn('一'));
    // The state file cannot be written (a folder stands in its place): the journal cannot be applied.
    mkdirSync(join(dir, 'conversations', 'a.json'));
    const restarted = new LowdbStore(dir, { log: () => undefined });
    await expect(restarted.conversations.ready()).rejects.toThrow(/EISDIR|illegal operation on a directory/);
    expect(await restarted.health()).toEqual({ ok: false, reason: expect.stringMatching(/^journal recovery failed: /) });
    await expect(restarted.conversations.read('a')).rejects.toThrow();
    await expect(restarted.tickets.list(10)).rejects.toThrow();
    await restarted.close();
    // The segment stays for a start that can apply it.
    expect(segments(dir)).toHaveLength(1);
  });

  it('refuses a second process on the same data folder, naming the folder and the process', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'store.lock'), String(process.ppid));
    expect(() => new LowdbStore(dir)).toThrow(new RegExp(`${dir.replace(/[/\\]/g, '.')} is in use by another process \\(pid ${process.ppid}\\)`));
    // A lock left by a process that is gone does not stop the store.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(dir, 'store.lock'), gone);
    const s = new LowdbStore(dir);
    expect(readFileSync(join(dir, 'store.lock'), 'utf8')).toBe(String(process.pid));
    return s.close();
  });
});
