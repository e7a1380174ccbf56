/**
 * `jianli classify --train` and `jianli eval --train`: the assistant's NLU path trained on a
 * labelled file instead of the knowledge base, run as real processes on small fixtures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'jianli.js');
function jianli(args: string[], input = '') {
  const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'jianli-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, lines: string[]) => {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
};

// A three-class toy set in the SMP2017 layout (header line, text<TAB>intent); written for this test.
const train = file('train.tsv', [
  'text\tintent',
  '今天天气怎么样\tweather',
  '明天会下雨吗\tweather',
  '上海这周末天气如何\tweather',
  '后天气温多少度\tweather',
  '北京会下雪吗\tweather',
  '放一首周杰伦的歌\tmusic',
  '我想听音乐\tmusic',
  '来一首轻音乐\tmusic',
  '播放刘德华的歌曲\tmusic',
  '给我唱首歌\tmusic',
  '红烧肉怎么做\tcookbook',
  '番茄炒蛋的做法\tcookbook',
  '怎么做蛋糕\tcookbook',
  '糖醋排骨需要什么材料\tcookbook',
  '鱼香肉丝怎么炒\tcookbook',
  '可乐鸡翅的做法\tcookbook',
]);
const dev = file('dev.tsv', ['text\tintent', '广州明天下雨吗\tweather', '来一首张学友的歌\tmusic', '宫保鸡丁怎么做\tcookbook']);

describe('jianli classify --train', () => {
  it('classifies stdin lines with the labels of the training file, not the knowledge base', () => {
    const r = jianli(['classify', '--train', train], '杭州天气怎么样\n放一首歌\n土豆丝的做法\n注销需要什么材料\n');
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.slice(0, 3)).toEqual([
      { text: '杭州天气怎么样', intent: 'weather', confidence: expect.any(Number) },
      { text: '放一首歌', intent: 'music', confidence: expect.any(Number) },
      { text: '土豆丝的做法', intent: 'cookbook', confidence: expect.any(Number) },
    ]);
    // A domain question gets one of the file's labels: the knowledge base and its fallback are not used.
    expect(['weather', 'music', 'cookbook']).toContain(rows[3].intent);
    for (const row of rows) {
      expect(row.confidence).toBeGreaterThanOrEqual(0);
      expect(row.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('answers the most frequent training label for a line with no known feature', () => {
    const r = jianli(['classify', '--train', train], 'xyz\n');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ text: 'xyz', intent: 'cookbook', confidence: 0 });
  });

  it('says which line of a malformed training file is wrong', () => {
    const bad = file('bad.tsv', ['text\tintent', '今天天气怎么样\tweather', '没有标签的一行']);
    const r = jianli(['classify', '--train', bad], '你好\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 3');
  });
});

describe('jianli eval --train', () => {
  it('scores a dev file with a model trained on the train file', () => {
    const r = jianli(['eval', '--train', train, dev]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('top-1 accuracy: 100.0% (3/3)');
    expect(r.stdout).toMatch(/weather\s+1\s+100\.0%\s+100\.0%/);
    expect(r.stdout).not.toContain('fallback');
  });

  it('prints the report as JSON with --json, errors included', () => {
    const hard = file('hard.tsv', ['text\tintent', '今天天气怎么样\tmusic', '红烧肉怎么做\tcookbook']);
    const r = jianli(['eval', '--json', '--train', train, hard]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ total: 2, correct: 1, accuracy: 0.5 });
    expect(report.confusions).toEqual([{ expected: 'music', predicted: 'weather', count: 1, examples: ['今天天气怎么样'] }]);
  });
});
