/**
 * End to end: personal data typed in full width or in groups goes through the chat service and
 * reaches no stored place in clear — not the transcript (what `jianli export` and the admin
 * export print), not the engine state, not the missed-questions log, not a handoff ticket, not any
 * file in the data folder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MissedLog } from '../../src/review/missed';
import { handoffService } from '../helpers/handoff';
import { exportConversation } from '../../src/store/export';

const h = handoffService();
const missed = new MissedLog(h.dataDir);
h.service.observe(missed.observer());
afterAll(() => h.cleanup());

const ID = '11010519900101123X';
const PHONE = '13711223366';
const LANDLINE = '075512345678';
const EMAIL = 'zhang.san';

/** Every file under `dir`, as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [{ path: p, text: readFileSync(p, 'utf8') }];
  });
}

/** Which of the secrets `text` still carries, compared on NFKC digits with every separator dropped. */
function clear(text: string): string[] {
  const n = text.normalize('NFKC');
  const digits = n.replace(/[\s\-_./·、()\u2010-\u2015]/g, '');
  return [ID, PHONE, LANDLINE, ID.slice(6, 14), PHONE.slice(3, 7)].filter((s) => digits.includes(s)).concat(n.includes(EMAIL) ? [EMAIL] : []);
}

describe('personal data through the chat service', () => {
  it('is masked in the transcript, its export, the state, the missed-questions log and the ticket', async () => {
    const say = (text: string) => h.service.handle({ conversationId: 'pii-e2e', text, channel: 'web' });
    const first = await say('我的身份证是１１０１０５１９９００１０１１２３Ｘ，asdf qwer zxcv');
    const second = await say('手机137 11 22 33 66，座机（０７５５）１２３４－５６７８，邮箱zhang.san@example.com，我想买菜');
    // Both are misunderstood: they go to the missed-questions log, and the second opens a ticket.
    expect([first.intent, second.intent]).toEqual(['fallback', 'fallback']);
    for (const r of [first, second]) expect(r.replies.map((x) => x.text).join('\n')).toContain('已自动隐去');

    const exported = await exportConversation(h.store, 'pii-e2e');
    expect(exported?.turns.map((t) => t.text)).toEqual([
      '我的身份证是110105********123X，asdf qwer zxcv',
      '手机137****3366，座机0755-****5678，邮箱z***@example.com，我想买菜',
    ]);
    expect(clear(JSON.stringify(exported))).toEqual([]);
    expect(clear(JSON.stringify(await h.service.history('pii-e2e')))).toEqual([]);

    const log = missed.missed().filter((m) => m.conversationId === 'pii-e2e');
    expect(log.map((m) => m.text)).toEqual(exported?.turns.map((t) => t.text));
    expect(clear(readFileSync(missed.missedPath, 'utf8'))).toEqual([]);

    const tickets = await h.store.tickets.list(10, 'pii-e2e');
    expect(tickets).toHaveLength(1);
    expect(tickets[0].summary.lastMessages).toEqual(exported?.turns.map((t) => t.text));
    expect(clear(JSON.stringify(tickets))).toEqual([]);
    expect(clear(JSON.stringify(h.delivered))).toEqual([]);

    // Whatever the store wrote to disk so far (journal, conversation files), and the log.
    await h.store.close();
    const files = filesUnder(h.dataDir);
    expect(files.some((f) => f.text.includes('110105********123X'))).toBe(true);
    expect(files.map((f) => ({ path: f.path, clear: clear(f.text) })).filter((f) => f.clear.length)).toEqual([]);
  }, 60_000);
});
