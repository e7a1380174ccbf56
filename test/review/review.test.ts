/** The missed-questions log, `jianli review`, attaching phrases, and reloading knowledge. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AssistantChatService } from '../../src/service/chat';
import { LowdbStore } from '../../src/store/lowdb';
import { MissedLog, groupMissed } from '../../src/review/missed';
import { reloadKnowledge, watchKnowledge } from '../../src/knowledge/reload';
import { Assistant } from '../../src/engine/assistant';
import { loadKnowledge, DEFAULT_ROOT } from '../../src/knowledge/load';
import { sharedAssistant } from '../helpers/assistant';
import { tempDirs } from '../helpers/temp';

const dirs = tempDirs();
const temp = dirs.temp;
afterAll(dirs.cleanup);

/** A copy of the knowledge an operator may edit. */
const knowledgeCopy = () => dirs.knowledgeCopy('jianli-kcopy-');
const jianli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [join(DEFAULT_ROOT, 'bin', 'jianli.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

describe('missed questions', () => {
  it('logs fallback turns masked, groups similar wordings, and review attaches a group to an intent', async () => {
    const data = temp('jianli-missed-');
    const service = new AssistantChatService(sharedAssistant(), new LowdbStore(data)).observe(new MissedLog(data).observer());
    for (const [i, text] of [
      '协会会议室怎么预订',
      '协会会议室怎么订',
      '明天下雨吗',
      '我电话13812345678 asdf zxcv',
      'asdf qwer zxcv',
      '注销需要什么材料',
    ].entries()) {
      await service.handle({ conversationId: `m${i}`, text, channel: 'api' });
    }
    const log = new MissedLog(data);
    const missed = log.missed();
    expect(missed.map((m) => m.text)).not.toContain('注销需要什么材料');
    expect(missed.map((m) => m.text)).toContain('我电话138****5678 asdf zxcv');
    const groups = groupMissed(missed, []);
    const mailing = groups.find((g) => g.texts.includes('协会会议室怎么预订'));
    expect(mailing?.texts).toEqual(expect.arrayContaining(['协会会议室怎么订']));

    const root = knowledgeCopy();
    const env = { JIANLI_DATA: data, JIANLI_KNOWLEDGE_ROOT: root, DOTENV_CONFIG_QUIET: 'true' };
    const listed = jianli(['review'], env);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/#\d+ ×\d+ {2}.*协会会议室怎么预订/);
    const attach = jianli(['review', '--attach', String(mailing!.number), '--intent', 'info.system'], env);
    expect(attach.status).toBe(0);
    expect(attach.stdout).toContain('knowledge/phrases/info.system.yaml');
    expect(readFileSync(join(root, 'knowledge', 'phrases', 'info.system.yaml'), 'utf8')).toContain('协会会议室怎么预订');
    expect(loadKnowledge(root).phrases.get('info.system')).toContain('协会会议室怎么订');
    // Reviewed questions are not listed again; the rest can be marked out of scope.
    const after = JSON.parse(jianli(['review', '--json'], env).stdout) as { number: number; texts: string[] }[];
    expect(after.flatMap((g) => g.texts)).not.toContain('协会会议室怎么预订');
    const rain = after.find((g) => g.texts.some((t) => t.includes('asdf')))!;
    expect(jianli(['review', '--out-of-scope', String(rain.number)], env).stdout).toMatch(/marked \d question\(s\) out of scope/);
    expect(jianli(['review', '--attach', '99', '--intent', 'process.receipt'], env).status).toBe(2);
    expect(jianli(['review', '--attach', '1', '--intent', 'no.such'], env).stderr).toContain('unknown intent');
  }, 120_000);
});

describe('knowledge reload', () => {
  it('swaps in edited knowledge, and refuses a broken file while the old knowledge keeps serving', () => {
    const root = knowledgeCopy();
    const host = new AssistantChatService(new Assistant(loadKnowledge(root)), new LowdbStore(temp('jianli-reload-')));
    const photo = join(root, 'knowledge', 'cards', 'process.photo.yaml');
    writeFileSync(photo, readFileSync(photo, 'utf8').replace('白色背景、', '白色背景（已更新）、'));
    const ok = reloadKnowledge(host);
    expect(ok.ok).toBe(true);
    expect(host.assistant.turn(host.assistant.greet().state, { text: '照片有什么要求' }).replies[0].text).toContain('已更新');

    writeFileSync(photo, readFileSync(photo, 'utf8').replace(/question: .*/, 'question: ""'));
    const refused = reloadKnowledge(host);
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/knowledge\/cards\/process\.photo\.yaml: .*question: must not be empty/);
    expect(host.assistant.turn(host.assistant.greet().state, { text: '照片有什么要求' }).replies[0].text).toContain('已更新');
  }, 60_000);

  it('reloads by itself when a knowledge file changes (file watch)', async () => {
    const root = knowledgeCopy();
    const host = new AssistantChatService(new Assistant(loadKnowledge(root)), new LowdbStore(temp('jianli-watch-')));
    const lines: string[] = [];
    const stop = watchKnowledge(host, (l) => lines.push(l), 100);
    try {
      const receipt = join(root, 'knowledge', 'cards', 'process.receipt.yaml');
      writeFileSync(receipt, readFileSync(receipt, 'utf8').replace('没有能确认的统一"打印回执"入口', '没有能确认的统一"打印回执"入口（监视测试）'));
      const until = Date.now() + 20_000;
      while (!lines.length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(lines[0]).toMatch(/^knowledge reloaded/);
      expect(host.assistant.turn(host.assistant.greet().state, { text: '回执要打印吗' }).replies[0].text).toContain('监视测试');
    } finally {
      stop();
    }
  }, 60_000);
});
