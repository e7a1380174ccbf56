/**
 * The NLU on phrasings it was not trained on (test/fixtures/heldout.tsv, written apart from
 * knowledge/phrases), and on input that is not a question.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, parseEvalTsv } from '../../src/nlu/evaluate';
import { sharedAssistant } from '../helpers/assistant';

const assistant = sharedAssistant();
const heldout = parseEvalTsv(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'heldout.tsv'), 'utf8'));

describe('NLU', () => {
  it('generalises to held-out phrasings', () => {
    const report = evaluate(heldout, (t) => assistant.classify(t).intent);
    expect(report.total).toBeGreaterThan(300);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('generalises to a second held-out set written by someone else', () => {
    const second = parseEvalTsv(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'heldout2.tsv'), 'utf8'));
    expect(second.length).toBe(280);
    expect(evaluate(second, (t) => assistant.classify(t).intent).accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it.each([
    ['heldout3.tsv', 425],
    ['heldout4.tsv', 345],
    ['heldout5.tsv', 322],
  ])('generalises to %s, written from the article and the answers without seeing the phrases', (file, lines) => {
    const set = parseEvalTsv(readFileSync(join(import.meta.dirname, '..', 'fixtures', file), 'utf8'));
    expect(set.length).toBe(lines);
    expect(evaluate(set, (t) => assistant.classify(t).intent).accuracy).toBeGreaterThanOrEqual(0.95);
    const ood = set.filter((e) => e.accepted.includes('fallback'));
    expect(ood.filter((e) => assistant.classify(e.text).intent !== 'fallback').length).toBeLessThanOrEqual(2);
  });

  it('rarely answers an out-of-domain question', () => {
    const ood = heldout.filter((e) => e.accepted.includes('fallback'));
    const answered = ood.filter((e) => assistant.classify(e.text).intent !== 'fallback');
    expect(ood.length).toBeGreaterThanOrEqual(40);
    expect(answered.length / ood.length).toBeLessThanOrEqual(0.08);
  });

  it('answers short in-domain questions', () => {
    expect(assistant.classify('照片有什么要求').intent).toBe('process.photo');
    expect(assistant.classify('要多久').intent).toBe('process.approval_time');
    expect(assistant.classify('回执').intent).toBe('process.receipt');
  });

  it('reads a follow-up opened with 那 / 然后 as the question after it', () => {
    expect(assistant.classify('那要多久').intent).toBe('process.approval_time');
    expect(assistant.classify('那么需要多长时间').intent).toBe('process.approval_time');
    expect(assistant.classify('然后照片呢').intent).toBe('process.photo');
    expect(assistant.classify('那').intent).toBe('fallback');
  });

  it('is not swayed by a place name, and a place alone asks nothing', () => {
    // Places occur mostly in out-of-scope training phrases (上海明天天气): they used to pull these to the fallback.
    expect(assistant.classify('广东注销要多久').intent).toBe('process.approval_time');
    expect(assistant.classify('我是上海的，注销要多久').intent).toBe('process.approval_time');
    expect(assistant.classify('广东这边注销要什么材料').intent).toBe('process.materials');
    expect(assistant.classify('北京').intent).toBe('fallback');
    expect(assistant.classify('上海明天天气怎么样').intent).toBe('fallback');
  });

  it.each([
    ['', 'empty'],
    ['？？？', 'no-words'],
    ['😀😀😀', 'no-words'],
    ['二级建造师注销要什么材料', 'other-domain'],
  ])('gives %j the fallback (%s)', (text, reason) => {
    const u = assistant.classify(text);
    expect(u.intent).toBe('fallback');
    expect(u.reason).toBe(reason);
  });

  it('keeps 监理 questions that mention another certificate in the domain', () => {
    expect(assistant.classify('我有建造师也有监理工程师，监理这个注销要什么材料').intent).toBe('process.materials');
  });

  it('reads an age or a count in Chinese numerals as a number, not as unknown words', () => {
    expect(assistant.classify('我六十六岁了，还需要注销吗').intent).toBe('info.reasons');
    expect(assistant.classify('手上还有三个项目没验收能注销吗').intent).toBe('process.blockers');
    // A number alone is still no question.
    expect(assistant.classify('十六岁').intent).toBe('fallback');
    expect(assistant.classify('一二三四五').intent).toBe('fallback');
  });

  it('reads only the head and the tail of a very long message and says so', () => {
    const u = assistant.classify(`注销需要什么材料${'啊'.repeat(10_000)}`);
    expect(u.truncated).toBe(true);
    expect(u.normalized.length).toBe(assistant.knowledge.nlu.maxChars);
  });

  it('gives a confidence between 0 and 1', () => {
    for (const e of heldout.slice(0, 50)) {
      const c = assistant.classify(e.text).confidence;
      expect(c).toBeGreaterThanOrEqual(0);
      expect(c).toBeLessThanOrEqual(1);
    }
  });
});
