/** Messages in, passive replies out, over HTTP with a real chat service on a temporary store. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, NOW_S, eventXml, expectedText, nextMsgId, parseReply, plainQuery, startWeChat, textXml, type Harness } from './harness';
import { loadWeChatMessages } from '../../../src/channels/wechat/messages';

const { wechatUnsupported, wechatLater } = loadWeChatMessages();
let h: Harness;
beforeAll(async () => {
  h = await startWeChat();
});
afterAll(() => h.close());

async function lastReplies(openId: string) {
  const history = await h.service.history(`wechat:${openId}`);
  return history[history.length - 1].replies;
}

describe('a text message', () => {
  it('is answered with a passive text reply: users swapped, choices as numbered lines', async () => {
    const res = await h.post(plainQuery(), textXml({ from: 'oUser_text1', content: '单位不给我办注销怎么办' }));
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/xml/);
    const reply = parseReply(res.body);
    expect(Object.keys(reply)).toEqual(['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Content']);
    expect(reply.ToUserName).toBe('oUser_text1');
    expect(reply.FromUserName).toBe(ACCOUNT);
    expect(reply.CreateTime).toBe(String(NOW_S));
    expect(reply.MsgType).toBe('text');
    expect(reply.Content).toBe(expectedText(await lastReplies('oUser_text1')));
    // The employer-refusal flow asks a question with choices; WeChat shows them as numbers.
    expect(reply.Content).toMatch(/\n1\. 有证明材料\n2\. 没有$/);
    expect(res.body).toContain('<Content><![CDATA[');
    // The MsgId is the turn's idempotency key: a retry reaching another instance is not a second turn.
    expect(h.service.handled.at(-1)).toEqual({
      conversationId: 'wechat:oUser_text1',
      text: '单位不给我办注销怎么办',
      channel: 'wechat',
      idempotencyKey: expect.stringMatching(/^\d+$/),
    });
  });

  it('is answered by number on the next turn (the engine reads the digit)', async () => {
    const res = await h.post(plainQuery(), textXml({ from: 'oUser_text1', content: '1' }));
    const reply = parseReply(res.body);
    expect(reply.Content).toBe(expectedText(await lastReplies('oUser_text1')));
    const history = await h.service.history('wechat:oUser_text1');
    expect(history.map((t) => t.text)).toEqual(['单位不给我办注销怎么办', '1']);
  });

  it('has XML entities outside CDATA decoded before the assistant sees it', async () => {
    const body = `<xml><ToUserName>${ACCOUNT}</ToUserName><FromUserName>oUser_ent</FromUserName><CreateTime>${NOW_S}</CreateTime><MsgType>text</MsgType><Content>材料 &amp; 照片 &#x4F60;&#22909;</Content><MsgId>${nextMsgId()}</MsgId></xml>`;
    expect((await h.post(plainQuery(), body)).status).toBe(200);
    expect(h.service.handled.at(-1)?.text).toBe('材料 & 照片 你好');
  });

  it('from a voice message with WeChat speech recognition is answered like text', async () => {
    const body = `<xml><ToUserName>${ACCOUNT}</ToUserName><FromUserName>oUser_voice</FromUserName><CreateTime>${NOW_S}</CreateTime><MsgType>voice</MsgType><MediaId>m1</MediaId><Format>amr</Format><Recognition><![CDATA[注销需要哪些材料]]></Recognition><MsgId>${nextMsgId()}</MsgId></xml>`;
    const reply = parseReply((await h.post(plainQuery(), body)).body);
    expect(reply.Content).toContain('身份证件');
    expect(reply.Content).toBe(expectedText(await lastReplies('oUser_voice')));
  });
});

describe('other messages', () => {
  it('a picture gets the "text only" reply from messages.yaml and no turn', async () => {
    const calls = h.service.handled.length;
    const body = `<xml><ToUserName>${ACCOUNT}</ToUserName><FromUserName>oUser_pic</FromUserName><CreateTime>${NOW_S}</CreateTime><MsgType>image</MsgType><PicUrl>http://example.com/a.jpg</PicUrl><MediaId>m</MediaId><MsgId>${nextMsgId()}</MsgId></xml>`;
    const reply = parseReply((await h.post(plainQuery(), body)).body);
    expect(reply.Content).toBe(wechatUnsupported);
    expect(reply.ToUserName).toBe('oUser_pic');
    expect(h.service.handled.length).toBe(calls);
  });

  it("subscribe is greeted (the greeting's choices numbered) and stored as a turn", async () => {
    const res = await h.post(plainQuery(), eventXml({ from: 'oUser_new', event: 'subscribe' }));
    const reply = parseReply(res.body);
    const replies = await lastReplies('oUser_new');
    expect(reply.Content).toBe(expectedText(replies));
    expect(reply.Content).toContain('您好，我是监理注销助手');
    expect(reply.Content).toMatch(/\n1\. .+\n2\. .+\n3\. .+$/);
    expect(h.service.greeted).toBe(1);
  });

  it('a repeated subscribe event (same sender and CreateTime) is greeted once', async () => {
    const first = await h.post(plainQuery(), eventXml({ from: 'oUser_new', event: 'subscribe' }));
    expect(first.body).toContain('监理注销助手');
    expect(h.service.greeted).toBe(1);
    expect(await h.service.history('wechat:oUser_new')).toHaveLength(1);
  });

  it('unsubscribe and menu events are acknowledged with success', async () => {
    for (const event of ['unsubscribe', 'CLICK', 'VIEW']) {
      const res = await h.post(plainQuery(), eventXml({ from: 'oUser_gone', event }));
      expect(res).toMatchObject({ status: 200, body: 'success' });
    }
    expect(await h.service.history('wechat:oUser_gone')).toEqual([]);
  });
});

describe("WeChat's retries (same MsgId)", () => {
  it('are answered with the same reply and the turn runs once', async () => {
    const body = textXml({ from: 'oUser_retry', content: '注销需要哪些材料', msgId: '6054768590064713999' });
    const first = await h.post(plainQuery({ nonce: '1' }), body);
    const second = await h.post(plainQuery({ nonce: '2' }), body);
    expect(second.body).toBe(first.body);
    expect(h.service.handled.filter((r) => r.conversationId === 'wechat:oUser_retry')).toHaveLength(1);
    expect(await h.service.history('wechat:oUser_retry')).toHaveLength(1);
  });

  it('that arrive while the first attempt is still running share its turn', async () => {
    h.service.hold();
    const body = textXml({ from: 'oUser_retry2', content: '审批要多久', msgId: '6054768590064714000' });
    const seen = h.requests;
    const attempts = [h.post(plainQuery({ nonce: 'a' }), body), h.post(plainQuery({ nonce: 'b' }), body), h.post(plainQuery({ nonce: 'c' }), body)];
    // All three requests are in and none can have an answer yet: the turn is held.
    await h.arrived(seen + 3);
    h.service.release();
    const [a, b, c] = await Promise.all(attempts);
    expect(a.status).toBe(200);
    expect(b.body).toBe(a.body);
    expect(c.body).toBe(a.body);
    expect(parseReply(a.body).Content).toBe(expectedText(await lastReplies('oUser_retry2')));
    expect(await h.service.history('wechat:oUser_retry2')).toHaveLength(1);
  });

  it('a new MsgId with the same text is a new turn', async () => {
    await h.post(plainQuery(), textXml({ from: 'oUser_retry', content: '注销需要哪些材料' }));
    expect(await h.service.history('wechat:oUser_retry')).toHaveLength(2);
  });
});

describe('a long answer', () => {
  it('is paged even when a customer-service sender is configured: nothing can overtake the passive reply', async () => {
    const lines = ['我想自查一下符不符合注销条件', '我在深圳，离职了，手上还有一个项目没结算', '没有', '没有', '差20学时', '不愿意'];
    for (const content of lines) expect((await h.post(plainQuery(), textXml({ from: 'oUser_long', content }))).status).toBe(200);
    const sentBefore = h.sender.sent.length;
    const res = await h.post(plainQuery(), textXml({ from: 'oUser_long', content: '还没有' }));
    const first = parseReply(res.body).Content;
    expect(Buffer.byteLength(first)).toBeLessThanOrEqual(2000);
    expect(first).toContain('暂时不能直接注销');
    expect(first).toMatch(/\n\n回复 0 查看下一部分（2\/\d）/);
    expect(first).not.toContain(wechatLater);
    const second = parseReply((await h.post(plainQuery(), textXml({ from: 'oUser_long', content: '0' }))).body).Content;
    expect(second).toMatch(/^（2\/\d）\n【/);
    expect(h.sender.sent.length).toBe(sentBefore);
  });
});
