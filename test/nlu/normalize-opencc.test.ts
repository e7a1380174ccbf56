/** The OpenCC short cut: plain Simplified text skips the conversion, and the result never differs. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as OpenCC from 'opencc-js';
import { describe, expect, it } from 'vitest';
import { normalizeText, toSimplifiedChinese } from '../../src/nlu/normalize';

const root = join(import.meta.dirname, '..', '..');
const full = (() => {
  const hk = OpenCC.Converter({ from: 'hk', to: 'cn' });
  const tw = OpenCC.Converter({ from: 'tw', to: 'cn' });
  return (s: string) => tw(hk(s));
})();

describe('toSimplifiedChinese', () => {
  it('turns Taiwan and Hong Kong Traditional into Simplified', () => {
    expect(normalizeText('單位不給我辦註銷，怎麼辦？')).toBe('单位不给我办注销,怎么办?');
    expect(toSimplifiedChinese('職稱證書會不會作廢')).toBe('职称证书会不会作废');
  });

  it('gives exactly what OpenCC gives, for every phrase of the knowledge base in Simplified, Taiwan and Hong Kong script', () => {
    const phrases = readdirSync(join(root, 'knowledge', 'phrases')).flatMap((f) => readFileSync(join(root, 'knowledge', 'phrases', f), 'utf8').split('\n'));
    const toTw = OpenCC.Converter({ from: 'cn', to: 'tw' });
    const toHk = OpenCC.Converter({ from: 'cn', to: 'hk' });
    const texts = [...phrases, ...phrases.map(toTw), ...phrases.map(toHk)];
    const differing = texts.filter((t) => toSimplifiedChinese(t) !== full(t));
    expect(differing).toEqual([]);
    // Most Simplified phrases need no conversion at all (what makes the short cut worth having).
    expect(phrases.filter((p) => toSimplifiedChinese(p) === p).length).toBeGreaterThan(phrases.length * 0.9);
  });
});
