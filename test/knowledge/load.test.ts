import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ROOT, loadKnowledge } from '../../src/knowledge/load';
import { KnowledgeFileError } from '../../src/knowledge/errors';
import { INTENT_IDS } from '../../src/schema/knowledge';

const copies: string[] = [];
/** A private copy of knowledge/ and dialogs/ that a test may break. */
function copyKnowledge(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jianli-k-'));
  cpSync(join(DEFAULT_ROOT, 'knowledge'), join(dir, 'knowledge'), { recursive: true });
  cpSync(join(DEFAULT_ROOT, 'dialogs'), join(dir, 'dialogs'), { recursive: true });
  copies.push(dir);
  return dir;
}
afterEach(() => copies.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function loadError(root: string): KnowledgeFileError {
  try {
    loadKnowledge(root);
  } catch (err) {
    if (err instanceof KnowledgeFileError) return err;
    throw err;
  }
  throw new Error('expected the knowledge to be rejected');
}

describe('loadKnowledge', () => {
  it('loads the shipped knowledge: every intent has phrases, every answer a source', () => {
    const k = loadKnowledge();
    for (const id of INTENT_IDS) expect(k.phrases.get(id)?.length, id).toBeGreaterThanOrEqual(30);
    for (const [id, a] of k.answers) expect(a.answer.sources.length, id).toBeGreaterThan(0);
    expect(k.answers.size).toBe(INTENT_IDS.length - 1);
    expect([...k.dialogs.keys()].sort()).toEqual(['blacklist', 'employer_bankrupt', 'employer_refusal', 'professional_title', 'reregistration']);
  });

  it('names the file and the field of a wrong type', () => {
    const root = copyKnowledge();
    const file = join(root, 'knowledge', 'nlu.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('answer: 0.5', 'answer: high'));
    const err = loadError(root);
    expect(err.message).toMatch(/^knowledge\/nlu\.yaml: thresholds\.answer: /);
  });

  it('rejects an answer without sources', () => {
    const root = copyKnowledge();
    const file = join(root, 'knowledge', 'answers', 'process.photo.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/sources: \[[^\]]*\]/u, 'sources: []'));
    expect(loadError(root).message).toContain('knowledge/answers/process.photo.yaml: answer.sources: every answer names at least one source');
  });

  it('rejects a reason card that is not a card, naming the setting', () => {
    const root = copyKnowledge();
    const file = join(root, 'knowledge', 'cards-settings.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('registration_error: adj.two_employers', 'registration_error: adj.nowhere'));
    expect(loadError(root).message).toContain('knowledge/cards-settings.yaml: reasonCards.registration_error: no card "adj.nowhere"');
  });

  it('rejects a reason card under a reason the checker does not know', () => {
    const root = copyKnowledge();
    const file = join(root, 'knowledge', 'cards-settings.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('registration_error: adj.two_employers', 'moved_house: adj.two_employers'));
    expect(() => loadKnowledge(root)).toThrow(/cards-settings\.yaml: reasonCards\.moved_house/);
  });

  it('rejects a citation of an unknown source', () => {
    const root = copyKnowledge();
    const file = join(root, 'knowledge', 'answers', 'process.photo.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/sources: \[[^\]]*\]/u, 'sources: [seed.nowhere]'));
    expect(loadError(root).message).toContain('answer.sources.0: unknown source "seed.nowhere"');
  });

  it('rejects a dialog transition to a missing step', () => {
    const root = copyKnowledge();
    const file = join(root, 'dialogs', 'employer_refusal.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('yes: { step: with_proof }', 'yes: { step: nowhere }'));
    expect(loadError(root).message).toContain('dialogs/employer_refusal.yaml: steps.ask_proof.ask.on.yes: no step "nowhere"');
  });

  it('rejects broken YAML and a missing intent', () => {
    const root = copyKnowledge();
    writeFileSync(join(root, 'knowledge', 'messages.yaml'), 'version: 1\ngreeting: [unclosed');
    expect(loadError(root).message).toMatch(/^knowledge\/messages\.yaml: \(file\): not valid YAML/);

    const root2 = copyKnowledge();
    unlinkSync(join(root2, 'knowledge', 'phrases', 'process.receipt.yaml'));
    expect(loadError(root2).message).toContain('intent process.receipt has no training phrases');
  });

  it('rejects an unknown field and an unknown intent id', () => {
    const root = copyKnowledge();
    const file = join(root, 'knowledge', 'answers', 'process.photo.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\ncolour: red\n`);
    expect(loadError(root).message).toContain('process.photo.yaml: (file): Unrecognized key(s) in object: \'colour\'');

    const root2 = copyKnowledge();
    const file2 = join(root2, 'knowledge', 'answers', 'process.photo.yaml');
    writeFileSync(file2, readFileSync(file2, 'utf8').replace('related: [process.materials', 'related: [process.nothing'));
    expect(loadError(root2).message).toContain('process.photo.yaml: related.0');
  });
});
