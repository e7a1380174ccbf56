/**
 * Safe mode cannot be downgraded to plain messages, and a message (MsgId) is answered once for as
 * long as its request could be replayed: after the one-minute retry memory, and across instances
 * that share a Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMsgIdClaims, weChatConfigFromEnv } from '../../../src/channels/wechat';
import { TestRedis } from '../../helpers/redis';
import { ACCOUNT, APP_ID, NOW_MS, TOKEN, parseReply, plainQuery, sealedRequest, startWeChat, textXml, type Harness } from './harness';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

/** The query and body WeChat sends in safe mode for `xml`, sealed with KEY. */
const sealed = (xml: string) => sealedRequest(xml, KEY);

describe('safe mode (an EncodingAESKey is configured)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startWeChat({ config: { encodingAesKey: KEY } });
  });
  afterAll(() => h.close());

  it('refuses a plain message with a valid URL signature (no encrypt_type, no msg_signature): 403, nothing run or stored; the encrypted form is answered', async () => {
    // The plain signature covers token, timestamp and nonce only: anyone holding one could attach any body.
    const forged = textXml({ from: 'oVictim', content: '我要注销，手机13812345678' });
    const res = await h.post(plainQuery(), forged);
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/^plain message refused: safe mode is configured/);
    expect(h.service.handled).toEqual([]);
    expect(await h.service.history('wechat:oVictim')).toEqual([]);
    expect(h.logs.at(-1)).toMatch(/refused \(403\)/);

    // Safe mode itself works: a message encrypted and signed with msg_signature is answered, sealed.
    const { query, body } = sealed(textXml({ from: 'oVictim', content: '你好' }));
    const sealedRes = await h.post(query, body);
    expect(sealedRes.status).toBe(200);
    expect(Object.keys(parseReply(sealedRes.body))).toEqual(['Encrypt', 'MsgSignature', 'TimeStamp', 'Nonce']);
    expect(await h.service.history('wechat:oVictim')).toHaveLength(1);
  });
});

describe('WECHAT_ALLOW_PLAINTEXT (while switching an account from 明文模式 to 兼容/安全模式)', () => {
  const env = { WECHAT_TOKEN: TOKEN, WECHAT_APP_ID: APP_ID, WECHAT_ENCODING_AES_KEY: KEY };

  it('=1 accepts plain messages next to encrypted ones; a value that is not yes/no is refused, naming the setting', async () => {
    expect(() => weChatConfigFromEnv({ ...env, WECHAT_ALLOW_PLAINTEXT: 'maybe' })).toThrow(/WECHAT_ALLOW_PLAINTEXT must be 1 or 0/);
    expect(weChatConfigFromEnv(env)?.allowPlaintext).toBeUndefined();
    expect(weChatConfigFromEnv({ ...env, WECHAT_ALLOW_PLAINTEXT: '0' })?.allowPlaintext).toBe(false);
    const config = weChatConfigFromEnv({ ...env, WECHAT_ALLOW_PLAINTEXT: '1' });
    expect(config?.allowPlaintext).toBe(true);
    const h = await startWeChat({ config });
    try {
      const plain = await h.post(plainQuery(), textXml({ from: 'oSwitching', content: '你好' }));
      expect(plain.status).toBe(200);
      expect(parseReply(plain.body).ToUserName).toBe('oSwitching');
      const { query, body } = sealed(textXml({ from: 'oSwitching', content: '注销需要哪些材料' }));
      expect((await h.post(query, body)).status).toBe(200);
      expect(await h.service.history('wechat:oSwitching')).toHaveLength(2);
    } finally {
      await h.close();
    }
  });
});

describe('a MsgId is answered once for as long as its request can be replayed', () => {
  it('the same request replayed 61 s and 299 s later (inside the 300 s timestamp window) is not run again', async () => {
    let clock = NOW_MS;
    const h = await startWeChat({ now: () => clock });
    try {
      const body = textXml({ from: 'oReplay', content: '注销需要哪些材料', msgId: '8000000000000000001' });
      const first = await h.post(plainQuery(), body);
      expect(parseReply(first.body).ToUserName).toBe('oReplay');
      for (const later of [61_000, 299_000]) {
        clock = NOW_MS + later;
        const replay = await h.post(plainQuery(), body);
        expect(replay).toMatchObject({ status: 200, body: 'success' });
      }
      expect(h.service.handled).toHaveLength(1);
      expect(await h.service.history('wechat:oReplay')).toHaveLength(1);
      // Past the window the timestamp itself refuses it.
      clock = NOW_MS + 301_000;
      expect((await h.post(plainQuery(), body)).status).toBe(401);
    } finally {
      await h.close();
    }
  });

  describe('two instances sharing one Redis', () => {
    let redis: TestRedis;
    const clients: Redis[] = [];
    beforeAll(async () => {
      redis = await TestRedis.start();
    });
    afterAll(async () => {
      for (const c of clients) c.disconnect();
      await redis.down();
    });

    it("the second instance sees the first one's MsgId and does not run the turn again", async () => {
      const client = new Redis(redis.url);
      clients.push(client);
      const shared = RedisMsgIdClaims.connect(redis.url, 'test:wechat:');
      const a = await startWeChat({ deps: { msgIds: new RedisMsgIdClaims(client, 'test:wechat:') } });
      const b = await startWeChat({ deps: { msgIds: shared } });
      try {
        const body = textXml({ from: 'oTwoInstances', content: '审批要多久', msgId: '8000000000000000002' });
        const first = await a.post(plainQuery({ nonce: '1' }), body);
        expect(parseReply(first.body).ToUserName).toBe('oTwoInstances');
        const onB = await b.post(plainQuery({ nonce: '2' }), body);
        expect(onB).toMatchObject({ status: 200, body: 'success' });
        expect(b.service.handled).toEqual([]);
        expect(a.service.handled).toHaveLength(1);
        // SET NX EX: kept for twice the timestamp window (600 s by default).
        const ttl = await client.ttl(`test:wechat:id:${ACCOUNT}:8000000000000000002`);
        expect(ttl).toBeGreaterThan(590);
        expect(ttl).toBeLessThanOrEqual(600);
        // A new MsgId still runs on either instance.
        expect(parseReply((await b.post(plainQuery(), textXml({ from: 'oTwoInstances', content: '你好' }))).body).ToUserName).toBe('oTwoInstances');
        expect(b.service.handled).toHaveLength(1);
      } finally {
        shared.close();
        await a.close();
        await b.close();
      }
    });
  });
});
