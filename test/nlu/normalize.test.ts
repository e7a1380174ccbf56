import { describe, expect, it } from 'vitest';
import { hasNoWords, normalizeText } from '../../src/nlu/normalize';

describe('normalizeText', () => {
  it('turns Traditional into Simplified and full width into half width', () => {
    expect(normalizeText('註銷監理工程師證書')).toBe('注销监理工程师证书');
    expect(normalizeText('ＪＰＧ５００ＫＢ')).toBe('jpg500kb');
  });
  it('folds repeated punctuation and removes control characters', () => {
    expect(normalizeText('怎么办？？？！！')).toBe('怎么办?!');
    expect(normalizeText('a\u0000b\u200b')).toBe('a b');
  });
  it('knows text without words', () => {
    expect(hasNoWords(normalizeText('😀😀'))).toBe(true);
    expect(hasNoWords(normalizeText('。。。'))).toBe(true);
    expect(hasNoWords(normalizeText('照片'))).toBe(false);
  });
});
