/**
 * The linear SVM of the `svm+bayes` model (src/nlu/nlu-linear.ts), the classifier that combines it
 * with the Bayes model, the part-of-speech and rare-word features, the settings' validation and the
 * cross-validation script's folds.
 */
import { describe, expect, it } from 'vitest';
import { foldOf, withVariant } from '../../bench/nlu-cv';
import { loadNluConfig } from '../../src/knowledge/load';
import { IntentClassifier } from '../../src/nlu/classifier';
import { LinearSvm } from '../../src/nlu/nlu-linear';
import { Segmenter } from '../../src/nlu/segment';
import { NluFile } from '../../src/schema/knowledge';

// A toy three-intent set written for this test.
const TRAIN: [string, string[]][] = [
  ['weather', ['今天 天气 怎么样', '明天 会 下雨 吗', '上海 天气 如何', '后天 气温 多少 度', '北京 会 下雪 吗']],
  ['music', ['放 一首 周杰伦 的 歌', '我 想 听 音乐', '来 一首 轻音乐', '播放 刘德华 的 歌曲', '给 我 唱 首 歌']],
  ['cookbook', ['红烧肉 怎么 做', '番茄 炒蛋 的 做法', '怎么 做 蛋糕', '糖醋 排骨 的 做法', '鱼香 肉丝 怎么 炒']],
];
const tokens = (s: string) => s.split(' ');

function svm(C = 1, keepAbove?: number): LinearSvm {
  const model = new LinearSvm({ C, keepAbove });
  for (const [label, phrases] of TRAIN) for (const p of phrases) model.add(tokens(p), label);
  model.train();
  return model;
}

function top(model: LinearSvm, features: string[]): string {
  const scores = model.scores(features);
  return model.labels[scores.indexOf(Math.max(...scores))];
}

describe('LinearSvm', () => {
  it('ranks phrases it was not trained on', () => {
    const model = svm();
    expect(top(model, tokens('广州 明天 会 下雨 吗'))).toBe('weather');
    expect(top(model, tokens('放 一首 张学友 的 歌'))).toBe('music');
    expect(top(model, tokens('宫保鸡丁 怎么 做'))).toBe('cookbook');
  });

  it('is deterministic: the same data gives the same scores', () => {
    const features = tokens('我 想 听 周杰伦');
    expect(svm().scores(features)).toEqual(svm().scores(features));
  });

  it('ignores features it never saw (only the bias is left)', () => {
    const model = svm();
    const unseen = model.scores(['从未见过']);
    expect(unseen).toEqual(model.scores([]));
  });

  it('keepAbove: keeps the weights that count as sparse rows and scores as the dense model does', () => {
    const dense = svm();
    const sparse = svm(1, 1e-3);
    for (const phrase of ['广州 明天 会 下雨 吗', '放 一首 张学友 的 歌', '宫保鸡丁 怎么 做', '从未见过']) {
      const d = dense.scores(tokens(phrase));
      sparse.scores(tokens(phrase)).forEach((v, i) => expect(v).toBeCloseTo(d[i], 2));
    }
  });

  it('a sparse model survives its snapshot; a snapshot that does not fit is refused', () => {
    const sparse = svm(1, 1e-3);
    const { json, arrays } = sparse.snapshot();
    const again = new LinearSvm({ C: 1 });
    again.restore(json, arrays);
    expect(again.scores(tokens('我 想 听 音乐'))).toEqual(sparse.scores(tokens('我 想 听 音乐')));
    expect(() => new LinearSvm({ C: 1 }).restore(json, arrays.slice(0, 3))).toThrow(/does not fit/);
    const dense = svm().snapshot();
    expect(() => new LinearSvm({ C: 1 }).restore(json, dense.arrays)).not.toThrow();
    expect(() => new LinearSvm({ C: 1 }).restore({ ...json, labels: ['weather'] }, dense.arrays)).toThrow(/does not fit/);
  });

  it('rejects a cost that is not positive', () => {
    expect(() => new LinearSvm({ C: 0 })).toThrow(/C must be positive/);
  });
});

describe('IntentClassifier, svm+bayes', () => {
  function ensemble(): IntentClassifier {
    const c = new IntentClassifier({ likelihood: 'multinomial', model: 'svm+bayes', svmC: 4, bayesWeight: 0.02, smoothing: 0.3, temperature: 0.2 });
    for (const [label, phrases] of TRAIN) for (const p of phrases) c.add(tokens(p), label);
    c.train();
    return c;
  }

  it('ranks every label with scores that sum to 1, the right one first', () => {
    const ranking = ensemble().rank(tokens('杭州 明天 天气 怎么样'));
    expect(ranking.map((r) => r.label).sort()).toEqual(['cookbook', 'music', 'weather']);
    expect(ranking[0].label).toBe('weather');
    expect(ranking.reduce((a, r) => a + r.score, 0)).toBeCloseTo(1, 9);
  });

  it('trains the same model twice', () => {
    expect(ensemble().rank(tokens('来 一首 歌'))).toEqual(ensemble().rank(tokens('来 一首 歌')));
  });

  it('uses examples added after a first training once trained again', () => {
    const c = new IntentClassifier({ likelihood: 'multinomial', smoothing: 0.3 });
    for (const [label, phrases] of TRAIN) for (const p of phrases) c.add(tokens(p), label);
    c.train();
    expect(c.rank(['导航'])).toEqual([]);
    for (const p of ['导航 去 机场', '导航 到 公司', '打开 导航']) c.add(tokens(p), 'map');
    c.train();
    expect(c.rank(tokens('导航 去 火车站'))[0].label).toBe('map');
  });

  it('returns no ranking for a message with no known feature, as the Bayes model does', () => {
    expect(ensemble().rank(['完全陌生'])).toEqual([]);
  });
});

describe('part-of-speech features', () => {
  const config = loadNluConfig();

  it('adds jieba tags and tag bigrams with the sentence boundaries when enabled', () => {
    const on = new Segmenter({ ...config, features: { ...config.features, partOfSpeech: true } }).features('周杰伦的歌');
    expect(on).toContain('@nr');
    expect(on).toContain('@^_nr');
    expect(on.some((f) => /^@\S+_\$$/.test(f))).toBe(true);
    const off = new Segmenter({ ...config, features: { ...config.features, partOfSpeech: false } }).features('周杰伦的歌');
    expect(off.some((f) => f.startsWith('@'))).toBe(false);
  });
});

describe('rare-word features', () => {
  const config = loadNluConfig();
  const segmenter = (rareWords: number) => new Segmenter({ ...config, features: { ...config.features, rareWords } });
  // Toy phrases written for this test: 周杰伦 occurs in one phrase, 播放 in two.
  const PHRASES = ['播放周杰伦的歌', '播放音乐', '今天天气'];

  it('marks a word of a training phrase as rare when fewer than rareWords other phrases contain it', () => {
    const [first, second] = segmenter(1).trainingFeatures(PHRASES);
    // 周杰伦 is in no other phrase: rare, so its tag (nr) and length bucket are features.
    expect(first).toContain('?nr');
    expect(first).toContain('?nr3');
    // 播放 is in the other phrase as well: not rare at rareWords 1, so only 音乐 is.
    expect(second.filter((f) => f.startsWith('?'))).toEqual(['?n', '?n2']);
  });

  it('tests a new message against all training phrases: unseen words are rare, seen ones are not', () => {
    const s = segmenter(1);
    s.trainingFeatures(PHRASES);
    expect(s.features('播放周杰伦').filter((f) => f.startsWith('?'))).toEqual([]);
    expect(s.features('播放刘德华').filter((f) => f.startsWith('?'))).toEqual(['?nr', '?nr3']);
  });

  it('adds nothing when off (the default), and the other features stay the same', () => {
    const off = new Segmenter({ ...config, features: { ...config.features, rareWords: 0 } });
    const [first] = off.trainingFeatures(PHRASES);
    expect(first.some((f) => f.startsWith('?'))).toBe(false);
    expect(first).toEqual(off.features(PHRASES[0]));
    const on = segmenter(2).trainingFeatures(PHRASES)[0];
    expect(on.filter((f) => !f.startsWith('?'))).toEqual(first);
  });

  it('lets an ensemble classify a phrase whose only content word is unseen, deterministically', () => {
    const s = segmenter(2);
    // Toy data: music names a song or singer nobody else mentions; weather repeats its words.
    const train: [string, string][] = [
      ['来一首青花瓷', 'music'],
      ['来一首稻香', 'music'],
      ['来一首晴天', 'music'],
      ['放一首七里香', 'music'],
      ['今天天气怎么样', 'weather'],
      ['明天天气怎么样', 'weather'],
      ['今天会下雨吗', 'weather'],
      ['明天会下雨吗', 'weather'],
    ];
    const build = () => {
      const c = new IntentClassifier({ likelihood: 'multinomial', model: 'svm+bayes', svmC: 8, bayesWeight: 0.02, smoothing: 0.3, temperature: 0.2 });
      s.trainingFeatures(train.map(([t]) => t)).forEach((f, i) => c.add(f, train[i][1]));
      c.train();
      return c;
    };
    const ranking = build().rank(s.features('放一首双截棍'));
    expect(ranking[0].label).toBe('music');
    expect(build().rank(s.features('放一首双截棍'))).toEqual(ranking);
  });

  it('is validated in knowledge/nlu.yaml and defaults to off', () => {
    const raw = JSON.parse(JSON.stringify(loadNluConfig())) as Record<string, Record<string, unknown>>;
    delete raw.features.rareWords;
    expect(NluFile.parse(raw).features.rareWords).toBe(0);
    raw.features.rareWords = -1;
    expect(NluFile.safeParse(raw).success).toBe(false);
  });
});

describe('knowledge/nlu.yaml classifier settings', () => {
  const raw = () => JSON.parse(JSON.stringify(loadNluConfig())) as Record<string, Record<string, unknown>>;

  it.each([
    ['model', 'forest'],
    ['svmC', 0],
    ['bayesWeight', -0.1],
  ])('rejects classifier.%s = %s, naming the field', (field, value) => {
    const config = raw();
    config.classifier[field] = value;
    const result = NluFile.safeParse(config);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(`classifier.${field}`);
  });

  it('defaults to the Bayes model alone when the new settings are absent', () => {
    const config = raw();
    config.classifier = { likelihood: 'multinomial' };
    delete config.features.partOfSpeech;
    const parsed = NluFile.parse(config);
    expect(parsed.classifier.model).toBe('bayes');
    expect(parsed.features.partOfSpeech).toBe(false);
  });
});

describe('nlu-cv', () => {
  it('splits each intent evenly over the folds, the same way every time', () => {
    const examples = Array.from({ length: 10 }, (_, i) => ({ text: `t${i}`, accepted: [i % 2 ? 'a' : 'b'] }));
    expect(foldOf(examples, 5)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('replaces only the settings a variant names', () => {
    const base = loadNluConfig();
    const v = withVariant(base, { name: 'x', classifier: { svmC: 2 } });
    expect(v.classifier).toEqual({ ...base.classifier, svmC: 2 });
    expect(v.features).toEqual(base.features);
    expect(v.thresholds).toEqual(base.thresholds);
  });
});
