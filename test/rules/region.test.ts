import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load';

const { regions } = loadKnowledge();

describe('RegionIndex.find: the place named inside a sentence', () => {
  it.each([
    ['我在南京，离职了', '江苏'],
    ['人在苏州工业园区上班', '江苏'],
    ['浙江省的单位', '浙江'],
    ['延边那边的项目', '吉林'],
    ['I work in jiangsu now', '江苏'],
    ['北京', '北京'],
  ])('%s → %s', (text, province) => {
    expect(regions.find(text)).toBe(province);
  });

  it('finds nothing in a sentence without a place, and no pinyin inside another word', () => {
    expect(regions.find('我想注销监理注册')).toBeUndefined();
    expect(regions.find('xjiangsux')).toBeUndefined();
  });

  it('takes the longest name in the sentence, not the first one written', () => {
    // 内蒙古 (3 characters) outranks 上海 (2) even though 上海 comes first.
    expect(regions.find('上海或者内蒙古')).toBe('内蒙古');
  });
});

describe('RegionIndex.withoutPlaces: the sentence the NLU reads', () => {
  it.each([
    ['广东注销要多久', '注销要多久'],
    ['我是南京市的，江苏省要什么材料', '我是的，要什么材料'],
    ['内蒙古和上海一样吗', '和一样吗'],
    ['注销要多久', '注销要多久'],
    ['I work in jiangsu', 'I work in jiangsu'],
  ])('%s → %s', (text, rest) => {
    expect(regions.withoutPlaces(text)).toBe(rest);
  });
});
