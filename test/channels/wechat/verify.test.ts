/** Who may talk to the router: URL checks, signatures, the timestamp window and hostile bodies, over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, NOW_S, TOKEN, plainQuery, sign, startWeChat, textXml, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startWeChat();
});
afterAll(() => h.close());

describe('GET: the URL check', () => {
  it('answers echostr when the signature matches', async () => {
    const res = await h.get(plainQuery({ extra: { echostr: '5837424598714528129' } }));
    expect(res).toEqual({ status: 200, body: '5837424598714528129' });
  });

  it('refuses a wrong signature with 401 and a plain reason', async () => {
    const res = await h.get(plainQuery({ token: 'not-the-token', extra: { echostr: 'abc' } }));
    expect(res.status).toBe(401);
    expect(res.body).toBe('signature does not match');
  });

  it('refuses a missing signature', async () => {
    const res = await h.get(new URLSearchParams({ timestamp: String(NOW_S), nonce: '1', echostr: 'abc' }));
    expect(res).toEqual({ status: 401, body: 'missing signature' });
  });

  it('refuses a correctly signed but old timestamp', async () => {
    const res = await h.get(plainQuery({ timestamp: NOW_S - 301, extra: { echostr: 'abc' } }));
    expect(res).toEqual({ status: 401, body: 'timestamp is outside the accepted window' });
    const inWindow = await h.get(plainQuery({ timestamp: NOW_S - 299, extra: { echostr: 'abc' } }));
    expect(inWindow).toEqual({ status: 200, body: 'abc' });
  });

  it('asks for echostr when it is missing', async () => {
    expect(await h.get(plainQuery())).toEqual({ status: 400, body: 'missing echostr' });
  });
});

describe('POST: requests that never reach the assistant', () => {
  const before = () => ({ handled: h.service.handled.length, greeted: h.service.greeted });

  async function refused(query: URLSearchParams, body: string, status: number, reason: string | RegExp) {
    const calls = before();
    const res = await h.post(query, body);
    expect(res.status).toBe(status);
    expect(res.type).toMatch(/^text\/plain/);
    if (typeof reason === 'string') expect(res.body).toBe(reason);
    else expect(res.body).toMatch(reason);
    expect(res.body).not.toMatch(/\n\s+at /); // never a stack trace
    expect(before()).toEqual(calls);
  }

  it('a wrong signature → 401', async () => {
    await refused(plainQuery({ token: 'wrong' }), textXml({ from: 'oBadSig', content: '注销需要哪些材料' }), 401, 'signature does not match');
  });

  it('a signature over different parameters → 401', async () => {
    const q = plainQuery();
    q.set('nonce', '999');
    await refused(q, textXml({ from: 'oBadSig', content: '你好' }), 401, 'signature does not match');
  });

  it('an old timestamp → 401', async () => {
    await refused(plainQuery({ timestamp: NOW_S - 3600 }), textXml({ from: 'oOld', content: '你好' }), 401, 'timestamp is outside the accepted window');
  });

  it('a timestamp from the future → 401', async () => {
    await refused(plainQuery({ timestamp: NOW_S + 3600 }), textXml({ from: 'oFuture', content: '你好' }), 401, 'timestamp is outside the accepted window');
  });

  it('malformed XML → 400', async () => {
    await refused(plainQuery(), '<xml><ToUserName>gh_x</ToUserName><Content>unclosed', 400, 'malformed XML');
    await refused(plainQuery(), 'hello', 400, 'malformed XML');
    await refused(plainQuery(), '', 400, 'empty body');
  });

  it('a root other than <xml> → 400', async () => {
    await refused(plainQuery(), '<message><Content>hi</Content></message>', 400, 'the body must be one <xml> element with fields');
  });

  it('a DOCTYPE or ENTITY declaration → 400, never expanded', async () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>' +
      `<xml><ToUserName>${ACCOUNT}</ToUserName><FromUserName>oXxe</FromUserName><CreateTime>${NOW_S}</CreateTime><MsgType>text</MsgType><Content>&lol2;</Content><MsgId>1</MsgId></xml>`;
    await refused(plainQuery(), lol, 400, 'DOCTYPE and ENTITY declarations are not accepted');
    const external = `<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>`;
    await refused(plainQuery(), external, 400, 'DOCTYPE and ENTITY declarations are not accepted');
    await refused(plainQuery(), '<xml><!ENTITY x "y"></xml>', 400, 'DOCTYPE and ENTITY declarations are not accepted');
  });

  it('an undeclared entity reference → 400', async () => {
    const body = `<xml><ToUserName>${ACCOUNT}</ToUserName><FromUserName>oEnt</FromUserName><CreateTime>${NOW_S}</CreateTime><MsgType>text</MsgType><Content>a &nbsp; b</Content><MsgId>7</MsgId></xml>`;
    await refused(plainQuery(), body, 400, 'unknown entity &nbsp;');
  });

  it('missing fields → 400 naming the field', async () => {
    await refused(plainQuery(), `<xml><ToUserName>${ACCOUNT}</ToUserName><MsgType>text</MsgType></xml>`, 400, 'missing <FromUserName>');
    const noContent = `<xml><ToUserName>${ACCOUNT}</ToUserName><FromUserName>oNoContent</FromUserName><CreateTime>${NOW_S}</CreateTime><MsgType>text</MsgType><MsgId>8</MsgId></xml>`;
    await refused(plainQuery(), noContent, 400, 'missing <Content>');
    const noEvent = `<xml><ToUserName>${ACCOUNT}</ToUserName><FromUserName>oNoEvent</FromUserName><CreateTime>${NOW_S}</CreateTime><MsgType>event</MsgType></xml>`;
    await refused(plainQuery(), noEvent, 400, 'missing <Event>');
  });

  it('a repeated field → 400', async () => {
    const body = `<xml><ToUserName>${ACCOUNT}</ToUserName><FromUserName>a</FromUserName><FromUserName>b</FromUserName><CreateTime>${NOW_S}</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>`;
    await refused(plainQuery(), body, 400, '<FromUserName> appears more than once');
  });

  it('a body over 64 KB → 413', async () => {
    await refused(plainQuery(), textXml({ from: 'oBig', content: '长'.repeat(30_000) }), 413, 'body is larger than 64 KB');
  });

  it('an encrypted request when no EncodingAESKey is configured → 400', async () => {
    const timestamp = String(NOW_S);
    const q = new URLSearchParams({ timestamp, nonce: '1', encrypt_type: 'aes', msg_signature: sign(TOKEN, timestamp, '1', 'abc') });
    await refused(q, '<xml><ToUserName>gh</ToUserName><Encrypt>abc</Encrypt></xml>', 400, /no EncodingAESKey is configured/);
  });

  it('logs each refusal as one line', () => {
    expect(h.logs.length).toBeGreaterThan(0);
    for (const line of h.logs) expect(line).toMatch(/^wechat: POST refused \(\d{3}\): [^\n]+$|^wechat: GET refused \(\d{3}\): [^\n]+$/);
  });
});
