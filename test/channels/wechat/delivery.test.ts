/** Slow turns: WeChat waits 5 s at most, so a late answer goes out through customer service. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectedText, parseReply, plainQuery, startWeChat, textXml, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  // A short reply timeout keeps the test fast; the held service stands in for a slow turn.
  h = await startWeChat({ config: { replyTimeoutMs: 50 } });
});
afterAll(() => h.close());

describe('a turn slower than replyTimeoutMs', () => {
  it('is answered "success" at once and its reply arrives through the customer-service sender', async () => {
    h.service.hold();
    const body = textXml({ from: 'oUser_slow', content: '注销需要哪些材料', msgId: '7000000000000000001' });
    const res = await h.post(plainQuery(), body);
    expect(res).toMatchObject({ status: 200, body: 'success' });
    expect(h.sender.sent).toEqual([]);

    h.service.release();
    await h.sender.received(1);
    const history = await h.service.history('wechat:oUser_slow');
    expect(history).toHaveLength(1);
    expect(h.sender.sent).toEqual([{ openId: 'oUser_slow', text: expectedText(history[0].replies) }]);
  });

  it('a retry after the deferral gets "success" too and nothing is sent twice', async () => {
    const body = textXml({ from: 'oUser_slow', content: '注销需要哪些材料', msgId: '7000000000000000001' });
    const res = await h.post(plainQuery({ nonce: 'retry' }), body);
    expect(res.body).toBe('success');
    expect(h.sender.sent).toHaveLength(1);
    expect(await h.service.history('wechat:oUser_slow')).toHaveLength(1);
  });

  it('a fast turn on the same router is still answered passively', async () => {
    const res = await h.post(plainQuery(), textXml({ from: 'oUser_fast', content: '你好' }));
    const history = await h.service.history('wechat:oUser_fast');
    expect(parseReply(res.body).Content).toBe(expectedText(history[0].replies));
  });
});

describe('a slow turn without the customer-service API (no AppSecret)', () => {
  it('is acknowledged, logged, and kept: asking for it (后面的内容没收到, 0) shows it', async () => {
    const bare = await startWeChat({ config: { replyTimeoutMs: 50 }, deps: { customerService: undefined } });
    try {
      bare.service.hold();
      const res = await bare.post(plainQuery(), textXml({ from: 'oUser_nocs', content: '注销需要哪些材料' }));
      expect(res).toMatchObject({ status: 200, body: 'success' });
      bare.service.release();
      await vi.waitFor(() => expect(bare.logs.some((l) => l.includes('waits for the user to reply 0'))).toBe(true));
      expect(bare.logs.find((l) => l.includes('customer-service'))).toMatch(
        /^wechat: customer-service message to oUser_nocs failed: Error: no customer-service sender configured \(set WECHAT_APP_SECRET\)/,
      );
      const history = await bare.service.history('wechat:oUser_nocs');
      const asked = await bare.post(plainQuery(), textXml({ from: 'oUser_nocs', content: '后面的内容没收到' }));
      expect(parseReply(asked.body).Content).toBe(expectedText(history[0].replies));
      // Asking is not a turn, and once shown the answer is not waiting any more.
      expect(await bare.service.history('wechat:oUser_nocs')).toHaveLength(1);
      const again = await bare.post(plainQuery(), textXml({ from: 'oUser_nocs', content: '0' }));
      expect(parseReply(again.body).Content).not.toContain('身份证件');
    } finally {
      await bare.close();
    }
  });
});

describe('a failing turn', () => {
  it('is a 500 with a bare reason, is logged in one line, and a retry may run it again', async () => {
    const failing = await startWeChat();
    const original = failing.service.handle.bind(failing.service);
    let fail = true;
    failing.service.handle = async (req) => {
      if (fail) {
        fail = false;
        throw new Error('store unavailable');
      }
      return original(req);
    };
    try {
      const body = textXml({ from: 'oUser_fail', content: '你好', msgId: '7000000000000000099' });
      const res = await failing.post(plainQuery(), body);
      expect(res).toMatchObject({ status: 500, body: 'internal error' });
      expect(failing.logs.at(-1)).toBe('wechat: POST failed: Error: store unavailable');
      const retry = await failing.post(plainQuery({ nonce: 'again' }), body);
      expect(retry.status).toBe(200);
      expect(parseReply(retry.body).ToUserName).toBe('oUser_fail');
    } finally {
      await failing.close();
    }
  });
});
