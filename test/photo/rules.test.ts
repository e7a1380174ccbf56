/** knowledge/photo.yaml is validated at load: placeholders, thresholds and the cited source. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KnowledgeFileError } from '../../src/knowledge/errors';
import { DEFAULT_ROOT } from '../../src/knowledge/load';
import { loadPhotoRules } from '../../src/photo/rules';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A knowledge root with sources.yaml and photo.yaml, the latter edited by `edit`. */
function rootWith(edit: (yaml: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), 'jianli-photo-'));
  roots.push(root);
  mkdirSync(join(root, 'knowledge'));
  copyFileSync(join(DEFAULT_ROOT, 'knowledge', 'sources.yaml'), join(root, 'knowledge', 'sources.yaml'));
  writeFileSync(join(root, 'knowledge', 'photo.yaml'), edit(readFileSync(join(DEFAULT_ROOT, 'knowledge', 'photo.yaml'), 'utf8')));
  return root;
}

function loadError(root: string): KnowledgeFileError {
  try {
    loadPhotoRules(root);
  } catch (err) {
    if (err instanceof KnowledgeFileError) return err;
    throw err;
  }
  throw new Error('expected a KnowledgeFileError');
}

describe('loadPhotoRules', () => {
  it('loads the project file: the seed rule, its source seed.step2 with its title, 500 KB', () => {
    const rules = loadPhotoRules();
    expect(rules.rule).toContain('≤500KB');
    expect(rules.source).toEqual({ id: 'seed.step2', title: '原文“三、步骤二：准备必要材料”' });
    expect(rules.limits.maxBytes).toBe(500 * 1024);
  });

  it('refuses a placeholder the check does not fill, naming the file and the field', () => {
    const err = loadError(rootWith((y) => y.replace('"{size}，不超过 {limit}。"', '"{sise}，不超过 {limit}。"')));
    expect(err.message).toContain('knowledge/photo.yaml: texts.size.pass: unknown placeholder {sise}');
  });

  it('refuses an unknown source and inverted ratio bounds', () => {
    expect(loadError(rootWith((y) => y.replace('source: seed.step2', 'source: seed.nowhere'))).message).toContain('unknown source "seed.nowhere"');
    expect(loadError(rootWith((y) => y.replace('minRatio: 1.2', 'minRatio: 1.7'))).message).toContain(
      'limits.proportions.minRatio: minRatio must be below maxRatio',
    );
  });
});
