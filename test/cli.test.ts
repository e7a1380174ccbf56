/** The `jianli` command line as a user runs it: real processes, stdin and stdout. */
import { spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLEAR_FACTS } from './helpers/situations';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'jianli.js');
function jianli(args: string[], input = '', env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const broken = mkdtempSync(join(tmpdir(), 'jianli-cli-'));
afterAll(() => rmSync(broken, { recursive: true, force: true }));

describe('jianli', () => {
  it('chat --jsonl prints one JSON object per line and nothing else', () => {
    const r = jianli(['chat', '--jsonl'], '你好\n单位不配合注销怎么办\n没有\n不用了\n\n怎么做红烧肉\n');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    const turns = lines.map((l) => JSON.parse(l));
    expect(turns.map((t) => t.intent)).toEqual([
      'chitchat.greeting',
      'faq.employer_refusal',
      'faq.employer_refusal',
      'faq.employer_refusal',
      'fallback',
      'fallback',
    ]);
    for (const t of turns) {
      expect(typeof t.confidence).toBe('number');
      expect(Array.isArray(t.replies)).toBe(true);
      expect(Array.isArray(t.sources)).toBe(true);
    }
    expect(turns[1].replies.at(-1).choices).toEqual(['有证明材料', '没有']);
    expect(turns[2].sources.join()).toContain('Q1');
  });

  it('classify prints {text,intent,confidence} per line', () => {
    const r = jianli(['classify'], '注销要交哪些东西\n明天会下雪吗\n');
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toEqual([
      { text: '注销要交哪些东西', intent: 'process.materials', confidence: expect.any(Number) },
      { text: '明天会下雪吗', intent: 'fallback', confidence: expect.any(Number) },
    ]);
  });

  it('eval prints accuracy, per-intent recall and precision, and confusions', () => {
    const file = join(broken, 'mini.tsv');
    writeFileSync(file, '# comment\n注销要交哪些东西\tprocess.materials\n今天星期几\tfallback\n照片多大\tprocess.photo|process.materials\n');
    const r = jianli(['eval', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('top-1 accuracy: 100.0% (3/3)');
    expect(r.stdout).toMatch(/process\.materials\s+1\s+100\.0%\s+100\.0%/);
    expect(r.stdout).toContain('confusions: none');
  });

  it('the console chat greets, numbers choices, answers a number and ends on 退出', () => {
    const r = jianli(['chat'], '注销要什么材料\n3\n退出\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('监理注销助手');
    expect(r.stdout).toMatch(/ {2}3\. 注销要交照片吗？/);
    expect(r.stdout).toContain('一寸免冠照片');
    expect(r.stdout).toContain('再见');
  });

  it('the console chat ends cleanly at end of input (Ctrl-D)', () => {
    const r = jianli(['chat', '--staff'], '照片有什么要求\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[意图 process.photo');
    expect(r.stdout).toContain('再见');
    expect(r.stderr).toBe('');
  });

  it('check prints the verdict for a situation on stdin', () => {
    const r = jianli(['check'], JSON.stringify({ region: '南京', unsettledProjects: true }));
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.status).toBe('blocked');
    expect(v.region).toBe('江苏');
    expect(v.blockers.map((b: { code: string }) => b.code)).toEqual(['UNSETTLED_PROJECTS']);
    expect(v.missing[0]).toBe('reason');
    expect(v.approvalDays).toEqual({ min: 5, max: 15 });
  });

  it.each([
    ['not JSON', 'hello', /stdin is not valid JSON/],
    ['a wrong type', '{"unsettledProjects":"maybe"}', /^invalid situation: unsettledProjects: must be true or false$/m],
    ['an unknown field', '{"salary":1}', /^invalid situation: salary: unknown field; allowed: goal, region/m],
  ])('check exits 2 on %s with one line naming the field', (_what, input, message) => {
    const r = jianli(['check'], input);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('chat --jsonl adds the verdict to the turn that ends the interview', () => {
    const r = jianli(['chat', '--jsonl'], ['帮我看看能不能注销', '我在上海，退休了，没有项目', '没有', '没有', '修满了', '愿意', '有'].join('\n'));
    const turns = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(turns.slice(0, -1).every((t) => t.verdict === undefined)).toBe(true);
    const last = turns.at(-1);
    expect(last.intent).toBe('interview.start');
    expect(last.verdict.status).toBe('eligible');
    const check = jianli(['check'], JSON.stringify({ ...CLEAR_FACTS, region: '上海', reason: 'retired' }));
    expect(last.verdict).toEqual(JSON.parse(check.stdout));
  });

  it('the staff console searches the knowledge, shows sources, summarises the case and runs the check', () => {
    const r = jianli(
      ['chat', '--staff'],
      ['/search 回执', '单位不给我办注销', '有', '/source', '好，帮我自查', '我在南京，手机13812345678', '/summary', '/check'].join('\n'),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('员工命令');
    expect(r.stdout).toMatch(/【process\.receipt】需要领取纸质注销回执吗？/);
    expect(r.stdout).toMatch(/上一条回答的出处：\n· 《注册监理工程师管理规定》第十五条/);
    expect(r.stdout).toContain('【案情摘要】');
    expect(r.stdout).toMatch(/咨询路径：faq\.employer_refusal → faq\.employer_refusal → interview\.start → interview\.start/);
    expect(r.stdout).toContain('已了解：注册地：江苏；原单位不配合');
    // Proof of leaving is not the stamped termination certificate: the interview still asks for it.
    expect(r.stdout).not.toContain('已解除劳动合同并有证明');
    expect(r.stdout).toContain('目前结论：信息不足');
    expect(r.stdout).toContain('用户所在省份：江苏');
    // Open items as the questions staff can ask, not field names.
    expect(r.stdout).toContain('待确认：您办理注销的主要原因是哪一种？');
    expect(r.stdout).not.toContain('13812345678');
    // The interview's opening once (from the flow); /check starts it again without the same
    // introduction (issue #15: no long reply twice), from what is known.
    expect(r.stdout.split('逐项核对能不能申请注销').length).toBe(2);
    expect(r.stdout).toContain('好的，我们从头开始。');
  });

  it('the staff summary keeps the finished check: facts, verdict and what blocks it', () => {
    const r = jianli(
      ['chat', '--staff'],
      ['帮我看看能不能注销', '上海，离职，有一个项目没结算，没有事故，没有处罚，继续教育修满了，单位同意，合同解除了有证明', '/summary'].join('\n'),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('自查目标：注销（已完成）');
    expect(r.stdout).toContain('目前结论：需先解决阻碍');
    expect(r.stdout).toContain('阻碍：您还承担着未完成结算的工程项目监理任务');
  });

  it('a broken knowledge file stops start-up with the file and field in one line', () => {
    cpSync(join(root, 'knowledge'), join(broken, 'knowledge'), { recursive: true });
    cpSync(join(root, 'dialogs'), join(broken, 'dialogs'), { recursive: true });
    const file = join(broken, 'knowledge', 'answers', 'process.receipt.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/title: .*/, 'title: ""'));
    const r = jianli(['chat', '--jsonl'], '你好\n', { JIANLI_KNOWLEDGE_ROOT: broken });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('knowledge/answers/process.receipt.yaml: title: must not be empty');
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    // Operator messages are in English (the chat itself stays Chinese).
    expect(r.stderr).not.toMatch(/\p{Script=Han}/u);
  });

  it('a second server on a port in use prints one line naming PORT and exits 1, no stack trace', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const r = jianli(['serve'], '', { PORT: String(port), HOST: '127.0.0.1', JIANLI_DATA: mkdtempSync(join(broken, 'data-')) });
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toEqual([expect.stringContaining(`cannot listen on port ${port} on 127.0.0.1: the port is already in use`)]);
      expect(r.stderr).toContain('set PORT');
      expect(r.stderr).not.toMatch(/EADDRINUSE|\bat .*:\d+:\d+|\p{Script=Han}/u);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });

  it('a data folder another process holds is refused in one English line naming the folder and its lock file', () => {
    const data = mkdtempSync(join(broken, 'locked-'));
    // This test's own process holds it (alive, and not the child).
    writeFileSync(join(data, 'store.lock'), String(process.pid));
    const r = jianli(['export', 'someone'], '', { JIANLI_DATA: data });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`the data folder ${data} is in use by another process (pid ${process.pid})`);
    expect(lines[0]).toContain(join(data, 'store.lock'));
    expect(r.stderr).not.toMatch(/\p{Script=Han}|\bat .*:\d+:\d+/u);
  });
});
