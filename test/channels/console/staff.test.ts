/**
 * The staff console (`jianli chat --staff`) in-process: what staff read beside each answer, and
 * /search over the answer cards and the answers.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runConsoleChat } from '../../../src/channels/console/chat';
import { sharedAssistant } from '../../helpers/assistant';

/** Runs the staff console over the lines; returns everything it printed. */
async function staff(lines: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (d) => (out += d));
  const done = runConsoleChat(sharedAssistant(), { input, output, staff: true });
  input.end(lines.map((l) => `${l}\n`).join(''));
  await done;
  return out;
}

/** The output of each input line: the text after its prompt, up to the next prompt. */
function perLine(out: string): string[] {
  return out.split('您：').slice(1);
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('staff console: each answer', () => {
  it('prints its sources once (the answer has its 【来源】 line; the staff line does not repeat it)', async () => {
    const [answer] = perLine(await staff(['注销需要什么材料']));
    expect(answer).toMatch(/^\[意图 process\.materials/);
    const { sources } = sharedAssistant().turn(undefined, { text: '注销需要什么材料' });
    expect(sources.length).toBeGreaterThan(1);
    for (const s of sources) expect([s, count(answer, s)]).toEqual([s, 1]);
  });

  it("tags gibberish inside a dialog as not understood, with the classifier's own reading, not the dialog's intent at confidence 1", async () => {
    const [, gibberish, again, answered] = perLine(await staff(['帮我看看能不能注销', 'asdkjhqwe', 'qwpeoiru', '北京']));
    expect(gibberish).toContain('抱歉，我没听明白');
    const tag = gibberish.split('\n')[0];
    expect(tag).not.toContain('置信度 1.00');
    expect(tag).not.toMatch(/意图 interview\.start/);
    expect(tag).toMatch(/^\[未理解（fallback）/);
    // Which dialog asked again, and what the classifier made of the message.
    expect(tag).toContain('interview.start');
    expect(tag).toMatch(/分类器 fallback/);
    expect(again.split('\n')[0]).toMatch(/^\[未理解（fallback）.*第2次/);
    // An answer the dialog understood is the dialog's.
    expect(answered.split('\n')[0]).toMatch(/^\[意图 interview\.start · 置信度 1\.00/);
  });

  it('tags a reply a FAQ follow-up could not read the same way', async () => {
    const [, unclear] = perLine(await staff(['单位不给我办注销怎么办', '这个嘛我也说不好呢']));
    expect(unclear.split('\n')[0]).toMatch(/^\[未理解（fallback）.*faq\.employer_refusal/);
  });
});

describe('staff console: /search', () => {
  it('/search 照片 prints the matching answer cards: question and whole answer, never a line cut at a colon', async () => {
    const [search] = perLine(await staff(['/search 照片']));
    const k = sharedAssistant().knowledge;
    const spec = k.cards.byId.get('photo.spec')!;
    expect(search).toContain(spec.question);
    expect(search).toContain(spec.answer);
    // The intent's answer is printed whole, to its last line, not just its first.
    const photo = k.answers.get('process.photo')!.answer.text.trim().split('\n');
    expect(photo.length).toBeGreaterThan(1);
    expect(search).toContain(photo.at(-1)!.trim());
    // A line ending in a colon is followed by what it introduces, not by the sources or the next entry.
    const lines = search.trim().split('\n');
    lines.forEach((line, i) => {
      if (/[：:]$/.test(line)) expect([line, lines[i + 1] ?? '']).toEqual([line, expect.stringMatching(/^ {2}(?!出处)\S/)]);
    });
  });

  it('finds what only the answer cards hold (their questions, phrasings and answers)', async () => {
    const [agents, byPhrasing] = perLine(await staff(['/search 代办', '/search 一寸照']));
    expect(agents).not.toContain('没有找到');
    const k = sharedAssistant().knowledge;
    const agentCards = k.cards.bySubject.get('fees.agents')!;
    expect(agentCards.some((c) => agents.includes(c.question))).toBe(true);
    // 注销需要一寸照吗 is one of photo.needed's phrasings.
    expect(byPhrasing).toContain(k.cards.byId.get('photo.needed')!.question);
  });

  it('still finds the answers by title, and says when nothing matches', async () => {
    const [receipt, none] = perLine(await staff(['/search 回执', '/search 红烧排骨']));
    expect(receipt).toMatch(/【process\.receipt】需要领取纸质注销回执吗？/);
    expect(none).toContain('没有找到“红烧排骨”');
  });
});
