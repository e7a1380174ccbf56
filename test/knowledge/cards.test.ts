import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cardKnowledge, loadCards, loadCardSettings } from '../../src/knowledge/cards';
import { KnowledgeFileError } from '../../src/knowledge/errors';
import { DEFAULT_ROOT, loadNluConfig } from '../../src/knowledge/load';
import { SUBJECT_IDS, SUBJECTS, subjectsMarkdown } from '../../src/schema/cards';
import { INTENT_IDS } from '../../src/schema/knowledge';

/** Thirteen cards in nine files, with their own sources.yaml (test data, not shipped). */
const SAMPLE = join(DEFAULT_ROOT, 'test', 'fixtures', 'cards', 'sample');

const copies: string[] = [];
afterEach(() => copies.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A private copy of the sample root that a test may break. */
function sampleCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jianli-cards-'));
  cpSync(SAMPLE, dir, { recursive: true });
  copies.push(dir);
  return dir;
}

const cardFile = (root: string, subject: string) => join(root, 'knowledge', 'cards', `${subject}.yaml`);

/** Rewrites one text in a card file of a sample copy (the text must be there). */
function edit(root: string, subject: string, from: string, to: string): void {
  const file = cardFile(root, subject);
  const text = readFileSync(file, 'utf8');
  expect(text, `${subject}.yaml contains ${from}`).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

function loadError(root: string): KnowledgeFileError {
  try {
    loadCards(root);
  } catch (err) {
    if (err instanceof KnowledgeFileError) return err;
    throw err;
  }
  throw new Error('expected the cards to be rejected');
}

describe('loadCards', () => {
  it('loads a good set: every card with its subject and file, conditions as the rule checker reads them', () => {
    const set = loadCards(SAMPLE);
    expect(set.cards).toHaveLength(13);
    expect(set.bySubject.size).toBe(9);
    const card = set.byId.get('change.must_deregister')!;
    expect(card.subject).toBe('change.registration');
    expect(card.file).toBe('knowledge/cards/change.registration.yaml');
    expect(card.conditions).toEqual([{ when: { field: 'reason', equals: 'leaving_industry' }, text: '您是离开监理行业，这种情况应办注销而不是变更。', final: false }]);
    expect(set.byId.get('age.over65_register')!.conditions[0].when).toEqual({ field: 'age', above: 65 });
    // Optional fields take their defaults.
    const plain = set.byId.get('approval.deregister_time')!;
    expect(plain.next).toEqual([]);
    expect(plain.conditions).toEqual([]);
    expect(plain.detail).toBeUndefined();
    expect(set.byId.get('out.builder_cert')!.scope).toBe('out');
  });

  it('gives no cards for an empty or missing folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'jianli-cards-'));
    copies.push(root);
    expect(loadCards(root).cards).toEqual([]);
    mkdirSync(join(root, 'knowledge', 'cards'), { recursive: true });
    expect(loadCards(root).cards).toEqual([]);
  });

  it('accepts an answer of exactly 300 characters after trimming', () => {
    const root = sampleCopy();
    edit(root, 'process.approval_time', 'answer: 原文说审批一般需要若干个工作日，结果以短信或系统通知为准。', `answer: "  ${'答'.repeat(300)}  "`);
    expect(loadCards(root).byId.get('approval.deregister_time')!.answer).toBe('答'.repeat(300));
  });

  // Each bad field is reported with the file and the field's path.
  const cases: [string, string, string, string, RegExp][] = [
    ['an unknown field', 'process.photo', '    scope: in\n  - id: photo.upload_failed', '    colour: red\n    scope: in\n  - id: photo.upload_failed', /process\.photo\.yaml: cards\.0: Unrecognized key\(s\) in object: 'colour'/],
    ['an unknown top-level field', 'process.photo', 'version: 1', 'version: 1\nowner: me', /process\.photo\.yaml: \(file\): Unrecognized key\(s\) in object: 'owner'/],
    ['fewer than 6 phrasings', 'process.approval_time', '      - 注销要等多少天\n      - 注销办下来要多久\n', '', /process\.approval_time\.yaml: cards\.0\.phrasings: needs at least 6 phrasings/],
    ['an answer over 300 characters', 'process.approval_time', 'answer: 原文说', `answer: ${'很'.repeat(300)}原文说`, /process\.approval_time\.yaml: cards\.0\.answer: is 329 characters; at most 300/],
    ['an empty question', 'process.approval_time', 'question: 注销审批要多长时间？', 'question: "  "', /process\.approval_time\.yaml: cards\.0\.question: must not be empty/],
    ['a phrasing repeated in a card', 'process.approval_time', '      - 注销要等多少天', '      - 注销审批要多长时间', /process\.approval_time\.yaml: cards\.0\.phrasings\.5: repeats phrasing 0/],
    // Files load in name order: the later one is named (process.materials.yaml < process.photo.yaml).
    ['a phrasing of another card', 'process.photo', '      - 照片背景什么颜色', '      - 注销要准备什么材料！', /process\.photo\.yaml: cards\.0\.phrasings\.7: "注销要准备什么材料！" is also a phrasing of card "materials\.list"/],
    ['an id in capitals', 'process.approval_time', 'id: approval.deregister_time', 'id: Approval.Time', /process\.approval_time\.yaml: cards\.0\.id: card ids are lower-case/],
    ['an id used twice', 'process.photo', 'id: photo.upload_failed', 'id: materials.list', /process\.photo\.yaml: cards\.1\.id: "materials\.list" is already the id of a card in knowledge\/cards\/process\.materials\.yaml/],
    ['a next that is no card', 'process.materials', 'next: [photo.requirements]', 'next: [photo.requirements, photo.nowhere]', /process\.materials\.yaml: cards\.0\.next\.1: no card "photo\.nowhere"/],
    ['a next pointing at itself', 'process.materials', 'next: [photo.requirements]', 'next: [materials.list]', /process\.materials\.yaml: cards\.0\.next\.0: a card cannot come next after itself/],
    ['an unknown source', 'fees.agents', 'sources: [gov.platform]', 'sources: [gov.platform, reg.999]', /fees\.agents\.yaml: cards\.1\.sources\.1: unknown source "reg\.999"/],
    ['no source', 'fees.agents', 'sources: [gov.platform]', 'sources: []', /fees\.agents\.yaml: cards\.1\.sources: every card names at least one source/],
    ['a subject not in the list', 'fees.agents', 'subject: fees.agents', 'subject: fees.other', /fees\.agents\.yaml: subject: not a subject id/],
    ['a subject other than the file name', 'fees.agents', 'subject: fees.agents', 'subject: process.steps', /fees\.agents\.yaml: subject: must match the file name \(fees\.agents\.yaml\)/],
    ['a scope other than in or out', 'fees.agents', 'scope: in', 'scope: maybe', /fees\.agents\.yaml: cards\.0\.scope: scope is in or out/],
    ['a missing scope', 'process.approval_time', '    scope: in\n', '', /process\.approval_time\.yaml: cards\.0\.scope: /],
    ['a condition on a field the checker does not have', 'age.over65', '{ field: age, above: 65 }', '{ field: salary, above: 65 }', /age\.over65\.yaml: cards\.0\.conditions\.0\.when\.field: field is one of region, reason, age, /],
    ['"above" on a yes/no field', 'age.over65', '{ field: age, above: 65 }', '{ field: unsettledProjects, above: 1 }', /age\.over65\.yaml: cards\.0\.conditions\.0\.when\.above: "above" compares numbers: only age/],
    ['a yes/no field compared with a word', 'age.over65', '{ field: age, above: 65 }', '{ field: unsettledProjects, equals: yes please }', /cards\.0\.conditions\.0\.when\.equals: unsettledProjects is true or false/],
    ['a reason not in the list', 'change.registration', 'equals: leaving_industry', 'equals: bored', /change\.registration\.yaml: cards\.0\.conditions\.0\.when\.equals: reason is one of left_employer, /],
    ['a condition with both equals and above', 'age.over65', '{ field: age, above: 65 }', '{ field: age, above: 65, equals: true }', /cards\.0\.conditions\.0\.when\.field: needs exactly one of equals, above or atMost/],
    ['"atMost" on a yes/no field', 'age.over65', '{ field: age, above: 65 }', '{ field: unsettledProjects, atMost: 1 }', /age\.over65\.yaml: cards\.0\.conditions\.0\.when\.atMost: "atMost" compares numbers: only age/],
    ['an instead that is no card', 'process.materials', 'next: [photo.requirements]', 'instead: [{ when: { field: age, atMost: 65 }, card: photo.nowhere }]\n    next: [photo.requirements]', /process\.materials\.yaml: cards\.0\.instead\.0\.card: no card "photo\.nowhere"/],
    ['a condition without its text', 'change.registration', '        text: 您是离开监理行业，这种情况应办注销而不是变更。\n', '', /change\.registration\.yaml: cards\.0\.conditions\.0\.text: Required/],
    ['a wrong version', 'fees.agents', 'version: 1', 'version: 2', /fees\.agents\.yaml: version: version must be 1/],
  ];
  for (const [what, subject, from, to, message] of cases) {
    it(`rejects ${what}, naming the file and the field`, () => {
      const root = sampleCopy();
      edit(root, subject, from, to);
      const err = loadError(root);
      expect(err.file).toBe(`knowledge/cards/${subject}.yaml`);
      expect(err.message).toMatch(message);
    });
  }

  it('rejects broken YAML and a missing sources.yaml', () => {
    const root = sampleCopy();
    writeFileSync(cardFile(root, 'fees.agents'), 'version: 1\ncards: [unclosed');
    expect(loadError(root).message).toMatch(/^knowledge\/cards\/fees\.agents\.yaml: \(file\): not valid YAML/);
    const root2 = sampleCopy();
    rmSync(join(root2, 'knowledge', 'sources.yaml'));
    expect(loadError(root2).message).toBe('knowledge/sources.yaml: (file): file is missing (the cards cite it)');
  });

  it('lists every problem of a file at once', () => {
    const root = sampleCopy();
    edit(root, 'fees.agents', 'sources: [reg.147.a14, gov.platform]', 'sources: [reg.nope]');
    edit(root, 'fees.agents', 'next: [fees.family_agent]', 'next: [fees.nowhere]');
    const err = loadError(root);
    expect(err.problems.map((p) => p.field)).toEqual(['cards.0.sources.0', 'cards.0.next.0']);
  });
});

describe('subjects', () => {
  it('are the 21 intents and the six new ones, each with a meaning', () => {
    expect(SUBJECT_IDS.slice(0, INTENT_IDS.length)).toEqual([...INTENT_IDS]);
    expect(SUBJECT_IDS.slice(INTENT_IDS.length)).toEqual(['change.registration', 'expiry.renewal', 'age.over65', 'fees.agents', 'adjacent.topics', 'out_of_scope']);
    for (const id of SUBJECT_IDS) expect(SUBJECTS[id], id).toMatch(/\S/);
  });

  it('docs/subjects.md is written from SUBJECTS', () => {
    expect(readFileSync(join(DEFAULT_ROOT, 'docs', 'subjects.md'), 'utf8')).toBe(subjectsMarkdown());
  });
});

describe('knowledge/cards-settings.yaml', () => {
  it('loads, and a bad value is named', () => {
    const settings = loadCardSettings();
    expect(settings.decide.suggest).toBeLessThanOrEqual(settings.decide.answer);
    const root = mkdtempSync(join(tmpdir(), 'jianli-cards-'));
    copies.push(root);
    mkdirSync(join(root, 'knowledge'));
    const text = readFileSync(join(DEFAULT_ROOT, 'knowledge', 'cards-settings.yaml'), 'utf8');
    writeFileSync(join(root, 'knowledge', 'cards-settings.yaml'), text.replace(/suggest: [0-9.]+/, 'suggest: 0.9'));
    expect(() => loadCardSettings(root)).toThrow(/knowledge\/cards-settings\.yaml: decide\.suggest: suggest must not be above answer/);
    writeFileSync(join(root, 'knowledge', 'cards-settings.yaml'), text.replace(/margin: [0-9.]+/, 'margin: lots'));
    expect(() => loadCardSettings(root)).toThrow(/decide\.margin: Expected number/);
  });
});

describe('cardKnowledge', () => {
  it('loads the cards and settings of a root and builds their index', () => {
    const root = sampleCopy();
    cpSync(join(DEFAULT_ROOT, 'knowledge', 'cards-settings.yaml'), join(root, 'knowledge', 'cards-settings.yaml'));
    const sources = { 'reg.147.a12': { title: 'x', kind: 'regulation' as const }, 'reg.147.a14': { title: 'x', kind: 'regulation' as const }, 'seed.step2': { title: 'x', kind: 'article' as const }, 'seed.step4': { title: 'x', kind: 'article' as const }, 'seed.q1': { title: 'x', kind: 'article' as const }, 'gov.platform': { title: 'x', kind: 'notice' as const } };
    const k = cardKnowledge({ root, sources, nlu: loadNluConfig() });
    expect(k.cards.cards).toHaveLength(13);
    const d = k.index.decide(k.index.rank('照片传不上去'));
    expect(d.kind === 'answer' && d.card.id).toBe('photo.upload_failed');
  });
});
