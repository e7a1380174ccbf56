/**
 * The public development set (test/fixtures/dev.tsv, from the project's shared eval/dev.tsv) is for measuring only: no training phrase may
 * be one of its lines, or its score would measure memory, not understanding.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { comparable, DEV_SET, unseenOnly } from '../../bench/nlu-data';
import { loadKnowledge } from '../../src/knowledge/load';
import { parseEvalTsv } from '../../src/nlu/evaluate';

describe('training phrases and the evaluation sets', () => {
  it('no phrase in knowledge/phrases is a line of eval/dev.tsv (punctuation, spaces and Traditional characters aside)', () => {
    const dev = parseEvalTsv(readFileSync(DEV_SET, 'utf8'));
    const phrases = [...loadKnowledge().phrases.entries()].flatMap(([intent, ps]) => ps.map((p) => ({ intent, p })));
    const devLines = new Set(dev.map((e) => comparable(e.text)));
    expect(dev.length).toBeGreaterThan(40);
    expect(phrases.filter(({ p }) => devLines.has(comparable(p)))).toEqual([]);
    expect(unseenOnly(dev, phrases.map(({ p }) => p))).toHaveLength(dev.length);
  });

  it('compares lines the way a user would see them', () => {
    expect(comparable('谢谢！')).toBe(comparable('谢谢'));
    expect(comparable('註銷 要多久？')).toBe(comparable('注销要多久'));
    expect(comparable('注销要多久')).not.toBe(comparable('注销要多少钱'));
  });
});
