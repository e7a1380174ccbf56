/**
 * Over the signed webhook: choice numbers in the forms people type, lists that do not look like
 * choices, no 点选, and 转人工 handed to the live agents (transfer_customer_service) when on duty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeChatCrypto, weChatConfigFromEnv } from '../../../src/channels/wechat';
import { loadKnowledge } from '../../../src/knowledge/load';
import { ACCOUNT, APP_ID, NOW_S, TOKEN, nextMsgId, parseReply, plainQuery, sealedRequest, sign, startWeChat, textXml, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startWeChat({ deps: { customerService: undefined } });
});
afterAll(() => h.close());

async function say(harness: Harness, from: string, content: string): Promise<Record<string, string>> {
  const res = await harness.post(plainQuery(), textXml({ from, content, msgId: nextMsgId() }));
  expect(res.status).toBe(200);
  return parseReply(res.body);
}

describe('choice numbers', () => {
  it('2. 2。 选2 第2个 2、 ２ and ② pick the second choice, exactly as 2 does', async () => {
    // The reference: the employer-refusal question answered with a bare 2 (没有).
    expect((await say(h, 'oChoice_ref', '单位不给我办注销怎么办')).Content).toMatch(/\n1\. 有证明材料\n2\. 没有$/);
    const expected = (await say(h, 'oChoice_ref', '2')).Content;
    expect(expected).not.toContain('没听明白');
    for (const [i, form] of ['2.', '2。', '选2', '第2个', '2、', '２', '②', '选第二个'].entries()) {
      const user = `oChoice_${i}`;
      await say(h, user, '单位不给我办注销怎么办');
      expect([form, (await say(h, user, form)).Content]).toEqual([form, expected]);
      const history = await h.service.history(`wechat:${user}`);
      expect(history.map((t) => t.text)).toEqual(['单位不给我办注销怎么办', '2']);
    }
  });

  it('第1个 and 1、 pick the first choice of the greeting, exactly as 1 does', async () => {
    const greeting = (await say(h, 'oChoice_first_ref', '你好')).Content;
    expect(greeting).toMatch(/\n1\. .+\n/);
    const expected = (await say(h, 'oChoice_first_ref', '1')).Content;
    for (const [i, form] of ['第1个', '1、', '第一个'].entries()) {
      const user = `oChoice_first_${i}`;
      await say(h, user, '你好');
      expect([form, (await say(h, user, form)).Content]).toEqual([form, expected]);
      expect((await h.service.history(`wechat:${user}`)).map((t) => t.text)).toEqual(['你好', '1']);
    }
  });

  it('a numbered list inside the answer is marked ①②③, so only the choices are numbered 1. 2. 3.', async () => {
    // The refusal follow-up's answer lists the article's three routes.
    await say(h, 'oChoice_list', '单位不给我办注销怎么办');
    const content = (await say(h, 'oChoice_list', '有')).Content;
    expect(content).toContain('①向当地住建部门投诉');
    expect(content.split('（回复数字选择）')[0]).not.toMatch(/^\d+[.、]/m);
    expect(content).toMatch(/（回复数字选择）\n1\. .+\n2\. .+$/);
  });

  it('no reply says 点选 (WeChat shows no buttons)', async () => {
    for (const [i, text] of ['注销需要哪些材料？照片有什么要求？', '你好', '单位不给我办注销怎么办', '随便说点什么吧'].entries()) {
      expect((await say(h, `oClick_${i}`, text)).Content).not.toContain('点选');
    }
  });
});

describe('转人工', () => {
  it('without live agents on duty: the hotline text, as before', async () => {
    const reply = await say(h, 'oHuman_off', '转人工');
    expect(reply.MsgType).toBe('text');
    expect(reply.Content).toContain('12345');
  });

  it('with WECHAT_LIVE_AGENTS=1: a transfer_customer_service reply, and the turn is still stored', async () => {
    const config = weChatConfigFromEnv({ WECHAT_TOKEN: TOKEN, WECHAT_APP_ID: APP_ID, WECHAT_LIVE_AGENTS: '1' });
    expect(config?.liveAgents).toBe(true);
    const live = await startWeChat({ config });
    try {
      const res = await live.post(plainQuery(), textXml({ from: 'oHuman_on', content: '转人工' }));
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^application\/xml/);
      expect(parseReply(res.body)).toEqual({ ToUserName: 'oHuman_on', FromUserName: ACCOUNT, CreateTime: String(NOW_S), MsgType: 'transfer_customer_service' });
      expect(res.body).toContain('<MsgType><![CDATA[transfer_customer_service]]></MsgType>');
      const history = await live.service.history('wechat:oHuman_on');
      expect(history.map((t) => t.text)).toEqual(['转人工']);
      // Picking the way to a person (联系人工服务) by number from the fallback's choices hands over too; other questions are answered as usual.
      const fallback = (await say(live, 'oHuman_pick', '随便说点什么吧')).Content;
      const n = new RegExp(`\\n(\\d)\\. ${loadKnowledge().messages.handoffChoice}`).exec(fallback)?.[1];
      expect(n).toBeTruthy();
      expect((await say(live, 'oHuman_pick', `选${n}`)).MsgType).toBe('transfer_customer_service');
      expect((await say(live, 'oHuman_pick', '注销需要哪些材料')).MsgType).toBe('text');
    } finally {
      await live.close();
    }
  });

  it('in safe mode the transfer reply is encrypted like any other', async () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const live = await startWeChat({ config: { encodingAesKey: key, liveAgents: true } });
    try {
      const crypto = new WeChatCrypto(key, APP_ID);
      const { query, body } = sealedRequest(textXml({ from: 'oHuman_safe', content: '我要找人工客服' }), key, '97531');
      const res = await live.post(query, body);
      const sealed = parseReply(res.body);
      expect(sealed.MsgSignature).toBe(sign(TOKEN, sealed.TimeStamp, sealed.Nonce, sealed.Encrypt));
      expect(parseReply(crypto.decrypt(sealed.Encrypt)).MsgType).toBe('transfer_customer_service');
    } finally {
      await live.close();
    }
  });

  it('WECHAT_LIVE_AGENTS must be yes or no, and the message names it', () => {
    expect(() => weChatConfigFromEnv({ WECHAT_TOKEN: TOKEN, WECHAT_APP_ID: APP_ID, WECHAT_LIVE_AGENTS: 'sometimes' })).toThrow(
      /WECHAT_LIVE_AGENTS must be 1 or 0/,
    );
    expect(weChatConfigFromEnv({ WECHAT_TOKEN: TOKEN, WECHAT_APP_ID: APP_ID })?.liveAgents).toBeUndefined();
  });
});
