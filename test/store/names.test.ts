/**
 * Conversation ids come from users: on lowdb, two ids must never share a file (one user's turns in
 * another's export, `forget` deleting someone else's files), on any file system, and a data folder
 * written with the old names (`a:b` → `a_b`, others `h_<sha>`) is carried over without losing
 * anything.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportConversation } from '../../src/store/export';
import { fileName, idOfFileName, isFileName } from '../../src/store/lowdb/file-names';
import { LowdbStore } from '../../src/store/lowdb';
import { stateWith, ticket, turn } from '../helpers/records';
import { tempDirs } from '../helpers/temp';

const { temp, cleanup } = tempDirs();
afterAll(cleanup);
const tempDir = () => temp('jianli-names-');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const long = 'x'.repeat(150);

/** Ids that shared files under the old names, or would on a case-insensitive file system. */
const IDS = [
  'a:b',
  'a_b',
  'a/b',
  'a.b',
  'A:B',
  'a:B',
  'Ab',
  'aB',
  'ab',
  'AB',
  '会话',
  `h_${sha('会话').slice(0, 40)}`, // the old hashed name of 会话, as an id
  `${long}1`,
  `${long}2`,
  `${long}`,
  '..',
  '.hidden',
  'web%3ab',
  'con',
];

describe('lowdb file names', () => {
  it('keeps the turns, tickets and files of look-alike ids apart, before and after a restart, and forget removes only its own', async () => {
    const dir = tempDir();
    const s = new LowdbStore(dir);
    for (const id of IDS) {
      await s.conversations.write(id, stateWith(1), turn(`${id}/1`));
      await s.tickets.save(ticket(`T-${id}`, id));
    }
    await s.flush();
    for (const id of IDS) await s.conversations.write(id, stateWith(2), turn(`${id}/2`));
    const check = async (store: LowdbStore, ids: string[]) => {
      for (const id of ids) {
        expect(
          (await exportConversation(store, id))?.turns.map((t) => t.text),
          id,
        ).toEqual([`${id}/1`, `${id}/2`]);
        expect(
          (await store.tickets.list(10, id)).map((t) => t.id),
          id,
        ).toEqual([`T-${id}`]);
      }
      const scanned = new Map<string, string[]>();
      for await (const c of store.transcripts.scan())
        scanned.set(
          c.conversationId,
          c.turns.map((t) => t.text),
        );
      expect(Object.fromEntries(scanned)).toEqual(Object.fromEntries(ids.map((id) => [id, [`${id}/1`, `${id}/2`]])));
    };
    await check(s, IDS);
    // Apart on a case-insensitive file system too (macOS, Windows): no two names differ only in case.
    for (const sub of ['conversations', 'transcripts', 'handoffs']) {
      const names = readdirSync(join(dir, sub));
      expect(names, sub).toHaveLength(IDS.length);
      expect(new Set(names.map((n) => n.toLowerCase())).size, sub).toBe(IDS.length);
      expect(names.every((n) => !n.startsWith('.') && Buffer.byteLength(n) <= 255)).toBe(true);
    }
    await s.close();

    const reopened = new LowdbStore(dir);
    await check(reopened, IDS);
    expect(await reopened.conversations.delete('a:b')).toBe(true);
    expect(await exportConversation(reopened, 'a:b')).toBeUndefined();
    await check(
      reopened,
      IDS.filter((id) => id !== 'a:b'),
    );
    await reopened.close();
  });

  it('maps every id to its own name, reversibly unless hashed', () => {
    const ids = [
      ...IDS,
      '',
      'a',
      'A',
      '\ud800',
      '\ud801',
      '\ud83d\ude00',
      'x'.repeat(1000),
      `${'%'.repeat(100)}a`,
      `${'%'.repeat(100)}b`,
      '中'.repeat(100) + '1',
      '中'.repeat(100) + '2',
      'a~b',
      'teams:19:Ab-Cd@thread.v2',
    ];
    const names = ids.map(fileName);
    expect(new Set(names).size).toBe(ids.length);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(ids.length);
    for (const [i, n] of names.entries()) {
      expect(isFileName(n), n).toBe(true);
      expect(n.length).toBeGreaterThan(0);
      expect(n.length + '.jsonl'.length).toBeLessThanOrEqual(255);
      expect(idOfFileName(n) ?? (n.includes('~') ? 'hashed' : 'lost')).toBe(n.includes('~') ? 'hashed' : ids[i]);
    }
    expect(fileName('a:b')).toBe('a%3ab');
    expect(fileName('a_b')).toBe('a%5fb');
    expect(fileName('web-1')).toBe('web-1');
  });

  it('moves a data folder written with the old names to the new ones, splitting tickets, losing nothing', async () => {
    const dir = tempDir();
    for (const sub of ['conversations', 'transcripts', 'handoffs', 'journal']) mkdirSync(join(dir, sub));
    const line = (text: string, j?: string) => `${JSON.stringify({ ...(j ? { j } : {}), ...turn(text) })}\n`;
    const oldConversation = (name: string, id: string, turns: string[]) => {
      writeFileSync(
        join(dir, 'conversations', `${name}.json`),
        JSON.stringify({ conversationId: id, state: stateWith(turns.length), updatedAt: new Date().toISOString() }),
      );
      writeFileSync(join(dir, 'transcripts', `${name}.jsonl`), turns.map((t) => line(t)).join(''));
    };
    oldConversation('a_b', 'a:b', ['ab-1', 'ab-2']);
    oldConversation('Web-1', 'Web-1', ['W-1']);
    oldConversation(`h_${sha('会话').slice(0, 40)}`, '会话', ['会-1']);
    oldConversation('plain-1', 'plain-1', ['p-1']);
    // Both ids' tickets went to the one old file.
    writeFileSync(join(dir, 'handoffs', 'a_b.jsonl'), `${JSON.stringify(ticket('T-colon', 'a:b'))}\n${JSON.stringify(ticket('T-under', 'a_b'))}\n`);
    // A crash tore x:y's state file; its journal segment is still there and names the conversation.
    const segment = '000000000000001-1-000000';
    const record = (i: number, text: string) => `${JSON.stringify({ i, r: { c: 'x:y', s: stateWith(i + 1), t: turn(text) } })}\n`;
    writeFileSync(join(dir, 'journal', `${segment}.jsonl`), record(0, 'xy-1') + record(1, 'xy-2'));
    writeFileSync(join(dir, 'transcripts', 'x_y.jsonl'), line('xy-1', `${segment}#0`));
    writeFileSync(join(dir, 'conversations', 'x_y.json'), '{"conversationId":"x:y","sta');
    // A transcript whose conversation nobody can name (`q:r` or `q_r`?): it stays, and the log says so.
    writeFileSync(join(dir, 'transcripts', 'q_r.jsonl'), line('qr-1'));

    const log: string[] = [];
    const s = new LowdbStore(dir, { log: (l) => log.push(l) });
    const texts = async (store: LowdbStore, id: string) => (await exportConversation(store, id))?.turns.map((t) => t.text);
    expect(await texts(s, 'a:b')).toEqual(['ab-1', 'ab-2']);
    expect(await exportConversation(s, 'a_b')).toBeUndefined();
    expect((await s.tickets.list(10, 'a:b')).map((t) => t.id)).toEqual(['T-colon']);
    expect((await s.tickets.list(10, 'a_b')).map((t) => t.id)).toEqual(['T-under']);
    expect(await texts(s, 'Web-1')).toEqual(['W-1']);
    expect(await texts(s, 'web-1')).toBeUndefined();
    expect(await texts(s, '会话')).toEqual(['会-1']);
    expect(await texts(s, 'plain-1')).toEqual(['p-1']);
    expect(await texts(s, 'x:y')).toEqual(['xy-1', 'xy-2']);
    expect((await s.conversations.read('x:y'))?.turns).toBe(2);
    expect(log.join('\n')).toMatch(/left q_r\.json\/\.jsonl under their old names/);

    await s.conversations.write('a_b', stateWith(1), turn('under-1'));
    await s.conversations.write('a:b', stateWith(3), turn('ab-3'));
    await s.close();
    const reopened = new LowdbStore(dir, { log: () => undefined });
    expect(await texts(reopened, 'a:b')).toEqual(['ab-1', 'ab-2', 'ab-3']);
    expect(await texts(reopened, 'a_b')).toEqual(['under-1']);
    expect(await texts(reopened, 'x:y')).toEqual(['xy-1', 'xy-2']);
    expect(readdirSync(join(dir, 'conversations')).sort()).toEqual(
      ['%57eb-1', 'a%3ab', 'a%5fb', 'plain-1', 'x%3ay', fileName('会话')].map((n) => `${n}.json`).sort(),
    );
    expect(readdirSync(join(dir, 'transcripts')).filter((n) => !isFileName(n.slice(0, -'.jsonl'.length)))).toEqual(['q_r.jsonl']);
    expect(readFileSync(join(dir, 'transcripts', 'q_r.jsonl'), 'utf8')).toContain('qr-1');
    expect(readdirSync(join(dir, 'handoffs')).sort()).toEqual(['a%3ab.jsonl', 'a%5fb.jsonl']);
    await reopened.close();
  });
});
