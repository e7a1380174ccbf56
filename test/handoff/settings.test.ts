/** knowledge/handoff.yaml: loaded and validated like every other data file; complaint words are recognised. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowledgeFileError } from '../../src/knowledge/errors';
import { handoffReason, isComplaint } from '../../src/handoff/reason';
import { loadHandoffSettings } from '../../src/handoff/settings';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function rootWith(yaml?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'jianli-handoff-'));
  roots.push(root);
  mkdirSync(join(root, 'knowledge'));
  if (yaml !== undefined) writeFileSync(join(root, 'knowledge', 'handoff.yaml'), yaml);
  return root;
}

describe('loadHandoffSettings', () => {
  it('loads the project file with its defaults', () => {
    const s = loadHandoffSettings();
    expect(s.complaintWords).toContain('投诉');
    expect(s.openMinutes).toBe(30);
    expect(s.summary).toEqual({ intents: 8, messages: 5 });
  });

  it('fills defaults for what a file leaves out', () => {
    expect(loadHandoffSettings(rootWith('version: 1\ncomplaint: [投訴]\n'))).toEqual({
      complaintWords: ['投诉'],
      openMinutes: 30,
      summary: { intents: 8, messages: 5 },
    });
  });

  it.each([
    ['a missing file', undefined, /knowledge\/handoff.yaml: \(file\): file is missing/],
    ['an empty complaint list', 'version: 1\ncomplaint: []\n', /knowledge\/handoff.yaml: complaint: list at least one word/],
    ['a negative window', 'version: 1\ncomplaint: [投诉]\nopenMinutes: -5\n', /knowledge\/handoff.yaml: openMinutes:/],
    ['an unknown field', 'version: 1\ncomplaint: [投诉]\nextra: 1\n', /knowledge\/handoff.yaml: \(file\): Unrecognized key\(s\) in object: 'extra'/],
  ])('refuses %s with the path and the field', (_what, yaml, message) => {
    const root = rootWith(yaml);
    expect(() => loadHandoffSettings(root)).toThrow(KnowledgeFileError);
    expect(() => loadHandoffSettings(root)).toThrow(message);
  });
});

describe('handoffReason', () => {
  const words = loadHandoffSettings().complaintWords;
  it('prefers a complaint over a plain request, and needs a miss before the second fallback', () => {
    expect(handoffReason('我要投诉', { intent: 'handoff.human' }, undefined, words)).toBe('complaint');
    expect(handoffReason('转人工', { intent: 'handoff.human' }, undefined, words)).toBe('requested');
    expect(handoffReason('啊啊', { intent: 'fallback' }, { fallbackStreak: 0 }, words)).toBeUndefined();
    expect(handoffReason('啊啊', { intent: 'fallback' }, { fallbackStreak: 1 }, words)).toBe('repeated_fallback');
    expect(handoffReason('审批要多久', { intent: 'process.approval_time' }, { fallbackStreak: 3 }, words)).toBeUndefined();
  });

  it('recognises complaint words in Traditional and full-width text', () => {
    expect(isComplaint('我要投訴', words)).toBe(true);
    expect(isComplaint('给个差评！！', words)).toBe(true);
    expect(isComplaint('注销需要什么材料', words)).toBe(false);
  });
});
