/** The embedded store's files: one state file and one transcript per conversation, tickets beside them. */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storesForFile } from '../helpers/stores';
import { stateWith, ticket, turn } from '../helpers/records';

const stores = storesForFile();

describe('lowdb layout', () => {
  it('writes one state file and one transcript per conversation, each valid', async () => {
    const s = stores.lowdb();
    const dir = stores.dir(s);
    await s.conversations.write('web:abc', stateWith(1), turn('你好'));
    await s.conversations.write('weird/../id', stateWith(1), turn('x'));
    // Turns reach the conversation files at the next checkpoint (about a second); flush is one now.
    await s.flush();
    const files = readdirSync(join(dir, 'conversations')).sort();
    // One-to-one names (src/store/lowdb/file-names.ts): lower-case letters, digits and - kept, the rest escaped.
    expect(files).toEqual(['web%3aabc.json', 'weird%2f%2e%2e%2fid.json']);
    for (const f of readdirSync(join(dir, 'conversations'))) JSON.parse(readFileSync(join(dir, 'conversations', f), 'utf8'));
    expect(readdirSync(join(dir, 'transcripts'))).toContain('web%3aabc.jsonl');
  });

  it("keeps a conversation's handoff tickets in its own JSON-lines file", async () => {
    const s = stores.lowdb();
    const dir = stores.dir(s);
    await s.tickets.save(ticket('T1', 'web:abc', '2026-03-01T08:00:00.000Z'));
    await s.tickets.save(ticket('T2', 'web:abc', '2026-03-01T09:00:00.000Z'));
    expect(readdirSync(join(dir, 'handoffs'))).toEqual(['web%3aabc.jsonl']);
    const lines = readFileSync(join(dir, 'handoffs', 'web%3aabc.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(['T1', 'T2']);
  });

  it('skips a transcript line cut short by a crash', async () => {
    const s = stores.lowdb();
    const dir = stores.dir(s);
    await s.conversations.write('cut', stateWith(1), turn('whole'));
    await s.flush();
    appendFileSync(join(dir, 'transcripts', 'cut.jsonl'), '{"at":"2026-');
    expect((await s.transcripts.read('cut')).map((t) => t.text)).toEqual(['whole']);
  });
});
