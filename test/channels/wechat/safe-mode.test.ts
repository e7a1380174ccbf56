/**
 * Safe mode (安全模式) and WeCom over HTTP, driven by the requests published in Tencent's sample
 * code: the router must accept them byte for byte and answer with a correctly sealed reply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeChatCrypto } from '../../../src/channels/wechat';
import { expectedText, parseReply, sign, startWeChat, type Harness } from './harness';

/** Official Account sample (Python Sample.py): token spamtest, AppID wx2c2769f8efd9abc2. */
const OA = {
  token: 'spamtest',
  appId: 'wx2c2769f8efd9abc2',
  key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  body:
    '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId>' +
    '<Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>',
};

/** WeCom sample (Sample.cs / Sample.cpp): token QDG6eK, CorpID wx5823bf96d3bd56c7. */
const WECOM = {
  token: 'QDG6eK',
  corpId: 'wx5823bf96d3bd56c7',
  key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  verify: {
    msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
    timestamp: '1409659589',
    nonce: '263014780',
    echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  },
  message: {
    msg_signature: '477715d11cdb4164915debcba66cb864d751f3e6',
    timestamp: '1409659813',
    nonce: '1372623149',
    body: '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>',
  },
};

function oaQuery(overrides: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({ timestamp: OA.timestamp, nonce: OA.nonce, encrypt_type: 'aes', msg_signature: OA.msgSignature, ...overrides });
}

/** Checks the envelope's signature independently, then opens it with the account's key. */
function openEnvelope(xml: string, token: string, key: string, receiverId: string): Record<string, string> {
  const envelope = parseReply(xml);
  expect(Object.keys(envelope)).toEqual(['Encrypt', 'MsgSignature', 'TimeStamp', 'Nonce']);
  expect(envelope.MsgSignature).toBe(sign(token, envelope.TimeStamp, envelope.Nonce, envelope.Encrypt));
  return parseReply(new WeChatCrypto(key, receiverId).decrypt(envelope.Encrypt));
}

describe('Official Account in safe mode, with the published sample request', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startWeChat({ config: { token: OA.token, appId: OA.appId, encodingAesKey: OA.key }, now: () => Number(OA.timestamp) * 1000 });
  });
  afterAll(() => h.close());

  it('verifies msg_signature, decrypts the message and answers with a sealed reply', async () => {
    const res = await h.post(oaQuery(), OA.body);
    expect(res.status).toBe(200);
    expect(h.service.handled).toEqual([
      { conversationId: 'wechat:oyORnuP8q7ou2gfYjqLzSIWZf0rs', text: 'abcdteT', channel: 'wechat', idempotencyKey: '6054768590064713728' },
    ]);
    const envelope = parseReply(res.body);
    expect(envelope.TimeStamp).toBe(OA.timestamp);
    expect(envelope.Nonce).toBe(OA.nonce);
    const reply = openEnvelope(res.body, OA.token, OA.key, OA.appId);
    const history = await h.service.history('wechat:oyORnuP8q7ou2gfYjqLzSIWZf0rs');
    expect(reply).toEqual({
      ToUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
      FromUserName: 'gh_10f6c3c3ac5a',
      CreateTime: OA.timestamp,
      MsgType: 'text',
      Content: expectedText(history[0].replies),
    });
  });

  it('refuses the sample with a changed msg_signature (401) and never calls the assistant', async () => {
    const calls = h.service.handled.length;
    const res = await h.post(oaQuery({ msg_signature: '0'.repeat(40) }), OA.body);
    expect(res).toMatchObject({ status: 401, body: 'msg_signature does not match' });
    expect(h.service.handled.length).toBe(calls);
  });

  it('refuses a tampered Encrypt even when its msg_signature is recomputed with the token', async () => {
    const calls = h.service.handled.length;
    const tampered = OA.body.replace('hyzAe4Oz', 'hyzAe4Oa');
    const encrypt = /<Encrypt><!\[CDATA\[(.*?)\]\]>/.exec(tampered)?.[1] ?? '';
    const res = await h.post(oaQuery({ msg_signature: sign(OA.token, OA.timestamp, OA.nonce, encrypt) }), tampered);
    expect([400, 401]).toContain(res.status);
    expect(h.service.handled.length).toBe(calls);
  });

  it('still answers the plain URL check (the Official Account signs GET without encryption)', async () => {
    const q = new URLSearchParams({ signature: sign(OA.token, OA.timestamp, OA.nonce), timestamp: OA.timestamp, nonce: OA.nonce, echostr: 'hello123' });
    expect(await h.get(q)).toEqual({ status: 200, body: 'hello123' });
  });
});

describe('safe mode refusals', () => {
  it('a message sealed for another AppID → 401', async () => {
    const h = await startWeChat({ config: { token: OA.token, appId: 'wx0000000000000000', encodingAesKey: OA.key }, now: () => Number(OA.timestamp) * 1000 });
    try {
      const res = await h.post(oaQuery(), OA.body);
      expect(res).toMatchObject({ status: 401, body: 'encrypted payload is for another AppID/CorpID' });
      expect(h.service.handled).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('the sample replayed today (its 2014 timestamp) → 401', async () => {
    const h = await startWeChat({ config: { token: OA.token, appId: OA.appId, encodingAesKey: OA.key }, now: Date.now });
    try {
      expect(await h.post(oaQuery(), OA.body)).toMatchObject({ status: 401, body: 'timestamp is outside the accepted window' });
      expect(h.service.handled).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('WeCom: the same crypto with the CorpID, with the published samples', () => {
  let h: Harness;
  let clock = Number(WECOM.verify.timestamp) * 1000;
  beforeAll(async () => {
    h = await startWeChat({ config: { token: WECOM.token, appId: WECOM.corpId, encodingAesKey: WECOM.key }, now: () => clock });
  });
  afterAll(() => h.close());

  it('verifies the URL with msg_signature and answers the decrypted echostr', async () => {
    expect(await h.get(new URLSearchParams(WECOM.verify))).toEqual({ status: 200, body: '1616140317555161061' });
  });

  it('refuses the URL check with a wrong msg_signature', async () => {
    const res = await h.get(new URLSearchParams({ ...WECOM.verify, msg_signature: 'f'.repeat(40) }));
    expect(res).toEqual({ status: 401, body: 'msg_signature does not match' });
  });

  it('decrypts the sample message (no encrypt_type: msg_signature alone means encrypted) and seals the reply', async () => {
    clock = Number(WECOM.message.timestamp) * 1000;
    const { body, ...query } = WECOM.message;
    const res = await h.post(new URLSearchParams(query), body);
    expect(res.status).toBe(200);
    expect(h.service.handled).toEqual([{ conversationId: 'wechat:mycreate', text: 'hello', channel: 'wechat', idempotencyKey: '4561255354251345929' }]);
    const reply = openEnvelope(res.body, WECOM.token, WECOM.key, WECOM.corpId);
    const history = await h.service.history('wechat:mycreate');
    expect(reply).toMatchObject({ ToUserName: 'mycreate', FromUserName: WECOM.corpId, MsgType: 'text', Content: expectedText(history[0].replies) });
  });
});
