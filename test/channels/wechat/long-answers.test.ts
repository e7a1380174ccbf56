/**
 * Long answers over the signed webhook with no customer-service API at all (no AppSecret): every
 * verdict reaches the user in full through passive replies, the rest paged behind "回复 0".
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMsgIdClaims } from '../../../src/channels/wechat';
import { loadWeChatMessages } from '../../../src/channels/wechat/messages';
import { TestRedis } from '../../helpers/redis';
import { expectedText, nextMsgId, parseReply, plainQuery, startWeChat, textXml, type Harness } from './harness';

const { wechatNoMoreParts } = loadWeChatMessages();
const MAX_BYTES = 2000;

let h: Harness;
beforeAll(async () => {
  // customerService undefined and no AppSecret: the router has no way to send anything later.
  h = await startWeChat({ deps: { customerService: undefined } });
});
afterAll(() => h.close());

async function say(from: string, content: string, msgId = nextMsgId()): Promise<string> {
  const res = await h.post(plainQuery(), textXml({ from, content, msgId }));
  expect(res.status).toBe(200);
  const reply = parseReply(res.body);
  expect(reply.MsgType).toBe('text');
  return reply.Content;
}

/** The lines of the whole answer as the user should see them, for "nothing lost" checks. */
async function answerLines(openId: string): Promise<string[]> {
  const history = await h.service.history(`wechat:${openId}`);
  return expectedText(history[history.length - 1].replies)
    .split('\n')
    .filter((l) => l.trim());
}

const PART_LINE = /\n\n回复 0 查看下一部分（(\d+)\/(\d+)）(：[^\n]*)?$/;

/**
 * Plays the interview, then reads every part with `asks` (0, 继续 …) in turn. Checks that each part
 * fits a passive reply and is numbered, and that the parts together hold every line of the answer.
 */
async function verdictInParts(openId: string, lines: string[], asks: string[] = ['0', '继续', '下一部分']): Promise<string[]> {
  let first = '';
  for (const content of lines) first = await say(openId, content);
  const turns = h.service.handled.length;
  const parts = [first];
  for (let i = 0; PART_LINE.test(parts[parts.length - 1]); i++) {
    const [, next, total] = PART_LINE.exec(parts[parts.length - 1]) ?? [];
    expect(Number(next)).toBe(parts.length + 1);
    const part = await say(openId, asks[i % asks.length]);
    expect(part.startsWith(`（${next}/${total}）\n`)).toBe(true);
    parts.push(part);
  }
  // Asking for parts is not a turn: nothing reached the engine (继续 is not 继续教育 here).
  expect(h.service.handled.length).toBe(turns);
  for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(MAX_BYTES);
  const shown = parts
    .flatMap((p) => p.split('\n'))
    .filter((l) => l.trim() && !/^（\d+\/\d+）$/.test(l) && !l.startsWith('回复 0 查看下一部分') && !l.endsWith('（续）'));
  expect([...shown].sort()).toEqual([...(await answerLines(openId))].sort());
  // Everything was sent: another 0 says so, and nothing went through customer service.
  expect(await say(openId, '0')).toBe(wechatNoMoreParts);
  expect(h.sender.sent).toEqual([]);
  expect(h.logs.filter((l) => l.includes('customer-service'))).toEqual([]);
  return parts;
}

/** Section headings of a part, in order. */
function headings(part: string): string[] {
  return [...part.matchAll(/^【([^】]+)】/gm)].map((m) => m[1]);
}

describe('a verdict without the customer-service API', () => {
  it('blocked: the first message has the headline, the blocker with its remedy and source, the next steps and the checklist; the rest comes with 继续 and 0', async () => {
    const parts = await verdictInParts(
      'oLong_blocked',
      ['我想自查一下符不符合注销条件', '我在深圳，离职了，手上还有一个项目没结算', '没有', '没有', '差20学时', '不愿意', '还没有'],
      ['继续', '0'],
    );
    expect(parts.length).toBeGreaterThan(1);
    const [first] = parts;
    expect(first).toContain('自查结果：暂时不能直接注销');
    expect(headings(first).slice(0, 3)).toEqual(['需要先解决', '接下来', '您的材料清单']);
    expect(first).toMatch(/【需要先解决】\n①您还承担着未完成结算[^\n]*\n {3}办法：[^\n]*\n {3}来源：/);
    expect(first).toContain('☐ 近期免冠证件照电子版');
    expect(first).not.toContain('【您的情况】');
    expect(first).not.toContain('余下部分将随后分条发送');
    expect(first).toMatch(PART_LINE);
    // The recap of what the user said comes last.
    expect(headings(parts[parts.length - 1]).at(-1)).toBe('您的情况');
  });

  it('eligible with warnings: the checklist and next steps first, the warnings (with their sources) next', async () => {
    const parts = await verdictInParts(
      'oLong_warn',
      ['帮我看看能不能注销', '广州的，公司倒闭了，项目都结算完了，没有事故，没被处罚，继续教育修满了', '有离职证明'],
      ['后面的内容没收到'],
    );
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]).toContain('自查结果：没有挡住注销的情形');
    expect(headings(parts[0])).toEqual(['接下来', '您的材料清单']);
    // The "reply 0" line says what the next part holds.
    expect(parts[0]).toMatch(/回复 0 查看下一部分（2\/\d）：需要注意/);
    expect(parts[1]).toMatch(/【需要注意】\n①原单位已破产[^\n]*\n {3}办法：[^\n]*\n {3}来源：/);
  });

  it('needs_info: what is still open, the next steps and the checklist come first', async () => {
    const parts = await verdictInParts('oLong_needs', [
      '帮我看看能不能注销',
      '上海，离职',
      '不知道',
      '确定没有',
      '对，没有',
      '修满了',
      '还没问单位',
      '好像没有',
    ]);
    expect(parts[0]).toContain('自查结果：还有情况没有确认');
    expect(headings(parts[0]).slice(0, 3)).toEqual(['还需确认（可向原单位或所在省住建厅核实，确认后再自查一次）', '接下来', '您的材料清单']);
  });

  it('eligible: the whole answer, the recap after the checklist', async () => {
    const parts = await verdictInParts('oLong_eligible', ['帮我看看我能不能注销', '江苏', '1', '没有', '没有', '不是', '已经修完了', '愿意', '对']);
    expect(parts[0]).toContain('自查结果：目前可以申请注销');
    const order = headings(parts.join('\n'));
    expect(order.indexOf('接下来')).toBeLessThan(order.indexOf('您的材料清单'));
    expect(order.indexOf('您的材料清单')).toBeLessThan(order.indexOf('您的情况'));
  });
});

describe('asking for the rest', () => {
  const blocked = ['我想自查一下符不符合注销条件', '我在深圳，离职了，手上还有一个项目没结算', '没有', '没有', '差20学时', '不愿意', '还没有'];

  it('a retry of the same 0 (same MsgId) gets the same part, not the one after it', async () => {
    for (const content of blocked) await say('oLong_retry', content);
    const msgId = nextMsgId();
    const part2 = await say('oLong_retry', '0', msgId);
    expect(part2.startsWith('（2/')).toBe(true);
    expect(await say('oLong_retry', '0', msgId)).toBe(part2);
    expect((await say('oLong_retry', '0')).startsWith('（3/')).toBe(true);
  });

  it('a new question replaces the waiting parts; 继续 is then an ordinary message again', async () => {
    for (const content of blocked) await say('oLong_new', content);
    const turns = h.service.handled.length;
    const answer = await say('oLong_new', '你好');
    expect(answer).not.toMatch(PART_LINE);
    expect(await say('oLong_new', '0')).toBe(wechatNoMoreParts);
    // Nothing waits, so 继续 goes to the assistant (which reads it as it reads any message).
    await say('oLong_new', '继续');
    expect(h.service.handled.length).toBe(turns + 2);
    expect(h.service.handled.at(-1)?.text).toBe('继续');
  });

  it('0 with nothing waiting is answered by the channel, not taken for a question', async () => {
    const turns = h.service.handled.length;
    expect(await say('oLong_nothing', '0')).toBe(wechatNoMoreParts);
    expect(await say('oLong_nothing', '后面的内容没收到')).toBe(wechatNoMoreParts);
    expect(h.service.handled.length).toBe(turns);
  });
});

describe('several instances on one Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(() => redis.down());

  it('the next part is served by whichever instance gets the 0', async () => {
    const claimsA = RedisMsgIdClaims.connect(redis.url, 'test:wechat:msg:');
    const claimsB = RedisMsgIdClaims.connect(redis.url, 'test:wechat:msg:');
    const a = await startWeChat({ deps: { customerService: undefined, msgIds: claimsA } });
    const b = await startWeChat({ deps: { customerService: undefined, msgIds: claimsB } });
    const client = new Redis(redis.url);
    try {
      const post = async (on: Harness, content: string) =>
        parseReply((await on.post(plainQuery(), textXml({ from: 'oLong_redis', content, msgId: nextMsgId() }))).body).Content;
      let first = '';
      for (const content of ['我想自查一下符不符合注销条件', '我在深圳，离职了，手上还有一个项目没结算', '没有', '没有', '差20学时', '不愿意', '还没有'])
        first = await post(a, content);
      expect(first).toMatch(PART_LINE);
      const ttl = await client.ttl('test:wechat:pages:oLong_redis');
      expect(ttl).toBeGreaterThan(86_000);
      expect(ttl).toBeLessThanOrEqual(86_400);
      expect((await post(b, '继续')).startsWith('（2/')).toBe(true);
      expect((await post(a, '0')).startsWith('（3/')).toBe(true);
      expect(b.service.handled).toEqual([]);
    } finally {
      client.disconnect();
      claimsA.close();
      claimsB.close();
      await a.close();
      await b.close();
    }
  });
});
