import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/knowledge/corpus';
import { KnowledgeFileError } from '../../src/knowledge/errors';
import { DEFAULT_ROOT } from '../../src/knowledge/load';
import { siteOf } from '../../src/schema/corpus';

const copies: string[] = [];
/** A private copy of knowledge/ and dialogs/ that a test may break. */
function copyKnowledge(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jianli-corpus-'));
  cpSync(join(DEFAULT_ROOT, 'knowledge'), join(dir, 'knowledge'), { recursive: true });
  cpSync(join(DEFAULT_ROOT, 'dialogs'), join(dir, 'dialogs'), { recursive: true });
  copies.push(dir);
  return dir;
}
afterEach(() => copies.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function corpusError(root: string): KnowledgeFileError {
  try {
    loadCorpus(root);
  } catch (err) {
    if (err instanceof KnowledgeFileError) return err;
    throw err;
  }
  throw new Error('expected the corpus to be rejected');
}

/** Every YAML file below a folder, except the corpus itself. */
function yamlFilesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'corpus' ? [] : yamlFilesBelow(path);
      return /\.ya?ml$/.test(name) ? [path] : [];
    })
    .sort();
}

/** Source ids under `sources:` / `source:` keys anywhere in a parsed YAML value. */
function citedIds(value: unknown, into: Set<string>, key = ''): void {
  if (typeof value === 'string') {
    if ((key === 'sources' || key === 'source') && /^(reg|gov|seed)\./.test(value)) into.add(value);
  } else if (Array.isArray(value)) {
    value.forEach((v) => citedIds(v, into, key));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) citedIds(v, into, k);
  }
}

/** Every reg./gov./seed. id cited in knowledge/ (answers, rules, materials, regions, cards, …) and dialogs/, with where. */
function citations(root: string): Map<string, string[]> {
  const where = new Map<string, string[]>();
  const files = [...yamlFilesBelow(join(root, 'knowledge')), ...yamlFilesBelow(join(root, 'dialogs'))].filter(
    (f) => !f.endsWith(join('knowledge', 'sources.yaml')),
  );
  for (const file of files) {
    const ids = new Set<string>();
    citedIds(parseYaml(readFileSync(file, 'utf8')), ids);
    for (const id of ids) where.set(id, [...(where.get(id) ?? []), relative(root, file)]);
  }
  return where;
}

describe('loadCorpus', () => {
  it('loads the shipped corpus, one document per file', () => {
    const corpus = loadCorpus();
    for (const id of ['reg.147.a12', 'reg.147.a15', 'reg.labor.a50', 'reg.credit', 'reg.ce_supervisor', 'reg.ce_general', 'gov.platform', 'seed.step1'])
      expect(corpus.get(id)?.text.length, id).toBeGreaterThan(10);
    const a12 = corpus.get('reg.147.a12')!;
    expect(a12.title).toBe('第十二条');
    expect(a12.file).toBe(join('knowledge', 'corpus', 'reg-147.yaml'));
    expect(a12.document.title).toBe('《注册监理工程师管理规定》');
    expect(a12.text).toContain('变更注册后仍延续原注册有效期');
  });

  it('has a passage for every reg./gov./seed. source cited in knowledge/ and dialogs/', () => {
    const corpus = loadCorpus();
    const cited = citations(DEFAULT_ROOT);
    // the scan must see the answers, the rules and the dialogs, or this test proves nothing
    expect(cited.size).toBeGreaterThan(25);
    for (const id of ['reg.147.a15', 'seed.step2', 'gov.platform', 'reg.labor.a50']) expect(cited.has(id), id).toBe(true);
    const missing = [...cited].filter(([id]) => !corpus.has(id)).map(([id, files]) => `${id} (cited in ${files.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('every confirmed passage names pages on at least two different sites', () => {
    const corpus = loadCorpus();
    const confirmed = [...corpus.values()].filter((p) => p.confirmed);
    expect(confirmed.length).toBeGreaterThan(10);
    for (const p of confirmed) {
      const sites = new Set(p.checkedAgainst.map((c) => siteOf(c.url)));
      expect(sites.size, `${p.id}: ${[...sites].join(', ')}`).toBeGreaterThanOrEqual(2);
    }
    for (const p of corpus.values()) if (!p.confirmed) expect(p.note ?? p.document.note, `${p.id} says why it is unconfirmed`).toBeTruthy();
  });

  it('keeps the seed article in the repo and quotes it word for word', () => {
    const corpus = loadCorpus();
    const article = readFileSync(join(DEFAULT_ROOT, 'knowledge', 'corpus', 'seed-article.txt'), 'utf8').replace(/\s+/g, '');
    const seed = [...corpus.values()].filter((p) => p.id.startsWith('seed.'));
    expect(seed.length).toBe(17);
    for (const p of seed) expect(article.includes(p.text.replace(/\s+/g, '')), p.id).toBe(true);
  });

  it('counts one site once: www., m. and subdomains are the same site', () => {
    expect(siteOf('https://www.233.com/jianli/a.html')).toBe('233.com');
    expect(siteOf('https://233.com/jianli/b.html')).toBe('233.com');
    expect(siteOf('https://m.jianzaoshi.com/x')).toBe(siteOf('https://www.jianzaoshi.com/y'));
    expect(siteOf('http://yes1688.cn.b2b168.com/shop')).toBe('b2b168.com');
    expect(siteOf('https://www.yunan.gov.cn/x')).toBe('yunan.gov.cn');
    expect(siteOf('https://m.law.iask.sina.com.cn/jx')).toBe('sina.com.cn');
    expect(siteOf('ftp://example.com/x')).toBe('');
  });

  it('names the file and the field of a passage without text', () => {
    const root = copyKnowledge();
    writeFileSync(
      join(root, 'knowledge', 'corpus', 'broken.yaml'),
      ['version: 1', 'document: { title: 《某规定》, kind: regulation }', 'passages:', '  - id: reg.147.a12', '    title: 第十二条', '    confirmed: false', '    note: x'].join('\n'),
    );
    const err = corpusError(root);
    expect(err.file).toBe(join('knowledge', 'corpus', 'broken.yaml'));
    expect(err.problems.map((p) => p.field)).toContain('passages.0.text');
    expect(err.message).toContain('knowledge/corpus/broken.yaml: passages.0.text:');
  });

  it('rejects a confirmed passage checked against one site only, naming the field', () => {
    const root = copyKnowledge();
    writeFileSync(
      join(root, 'knowledge', 'corpus', 'one-site.yaml'),
      [
        'version: 1',
        'document: { title: 《某规定》, kind: regulation }',
        'passages:',
        '  - id: reg.147.a9',
        '    title: 第九条',
        '    text: 注册证书和执业印章的有效期为3年。',
        '    confirmed: true',
        '    checkedAgainst:',
        '      - url: https://www.233.com/a.html',
        '      - url: https://m.233.com/b.html',
      ].join('\n'),
    );
    const err = corpusError(root);
    expect(err.file).toBe(join('knowledge', 'corpus', 'one-site.yaml'));
    expect(err.problems).toContainEqual({ field: 'passages.0.checkedAgainst', message: expect.stringContaining('two different sites') });
  });

  it('rejects a seed passage that is not in the article, an id not in sources.yaml and an id in two files', () => {
    const root = copyKnowledge();
    const seedPath = join(root, 'knowledge', 'corpus', 'seed-article.yaml');
    writeFileSync(seedPath, readFileSync(seedPath, 'utf8').replace('审批时间一般为5-15个工作日', '审批时间一般为3个工作日'));
    let err = corpusError(root);
    expect(err.file).toBe(join('knowledge', 'corpus', 'seed-article.yaml'));
    expect(err.problems).toContainEqual({ field: expect.stringMatching(/^passages\.\d+\.text$/), message: 'is not found word for word in seed-article.txt' });

    const root2 = copyKnowledge();
    writeFileSync(
      join(root2, 'knowledge', 'corpus', 'zz-extra.yaml'),
      ['version: 1', 'document: { title: 《某规定》, kind: regulation, note: test }', 'passages:', '  - { id: reg.nowhere, title: 第一条, text: 某条文。, confirmed: false }', '  - { id: reg.147.a12, title: 第十二条, text: 某条文。, confirmed: false }'].join('\n'),
    );
    err = corpusError(root2);
    expect(err.file).toBe(join('knowledge', 'corpus', 'zz-extra.yaml'));
    expect(err.problems).toContainEqual({ field: 'passages.0.id', message: expect.stringContaining('unknown source "reg.nowhere"') });
    expect(err.problems).toContainEqual({ field: 'passages.1.id', message: expect.stringContaining('already a passage in knowledge/corpus/reg-147.yaml') });
  });

  it('names a corpus file that is not valid YAML', () => {
    const root = copyKnowledge();
    writeFileSync(join(root, 'knowledge', 'corpus', 'bad.yaml'), 'version: 1\npassages: [\n');
    const err = corpusError(root);
    expect(err.file).toBe(join('knowledge', 'corpus', 'bad.yaml'));
    expect(err.problems[0]!.message).toMatch(/not valid YAML/);
  });
});
