/** The small parts: config from the environment, the retry cache, the customer-service client. */
import { describe, expect, it } from 'vitest';
import {
  WeChatApiError,
  WeChatConfigError,
  WeChatCustomerService,
  createWeChatRouter,
  weChatConfigFromEnv,
  type FetchLike,
} from '../../../src/channels/wechat';
import { RetryCache } from '../../../src/channels/wechat/retry-cache';
import { SpyService } from './harness';
import type { ChatService } from '../../../src/service/types';

describe('weChatConfigFromEnv', () => {
  it('is undefined without WECHAT_TOKEN, so the server leaves WeChat off', () => {
    expect(weChatConfigFromEnv({})).toBeUndefined();
    expect(weChatConfigFromEnv({ WECHAT_TOKEN: '  ' })).toBeUndefined();
  });

  it('reads the settings and fills the defaults', () => {
    expect(weChatConfigFromEnv({ WECHAT_TOKEN: 'tok', WECHAT_APP_ID: 'wx1' })).toEqual({
      token: 'tok',
      appId: 'wx1',
      encodingAesKey: undefined,
      appSecret: undefined,
      timestampWindowSeconds: 300,
      replyTimeoutMs: 4500,
    });
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    expect(
      weChatConfigFromEnv({ WECHAT_TOKEN: 'tok', WECHAT_APP_ID: 'wx1', WECHAT_ENCODING_AES_KEY: key, WECHAT_TIMESTAMP_WINDOW: '60', WECHAT_APP_SECRET: 's' }),
    ).toMatchObject({ encodingAesKey: key, timestampWindowSeconds: 60, appSecret: 's' });
  });

  it('names the variable that cannot work', () => {
    expect(() => weChatConfigFromEnv({ WECHAT_TOKEN: 'tok' })).toThrow(/WECHAT_APP_ID/);
    expect(() => weChatConfigFromEnv({ WECHAT_TOKEN: 'tok', WECHAT_APP_ID: 'wx', WECHAT_ENCODING_AES_KEY: 'short' })).toThrow(/WECHAT_ENCODING_AES_KEY/);
    expect(() => weChatConfigFromEnv({ WECHAT_TOKEN: 'tok', WECHAT_APP_ID: 'wx', WECHAT_TIMESTAMP_WINDOW: '-5' })).toThrow(WeChatConfigError);
  });

  it('createWeChatRouter refuses a bad config at once', () => {
    const service = {} as ChatService;
    expect(() => createWeChatRouter(service, { token: '', appId: 'wx' }, { messages: { wechatUnsupported: 'a', wechatLater: 'b' } })).toThrow(
      WeChatConfigError,
    );
    expect(() => createWeChatRouter(new SpyService(service), { token: 't', appId: 'wx', encodingAesKey: 'x' })).toThrow(WeChatConfigError);
  });
});

describe('RetryCache', () => {
  it('forgets entries after the TTL and keeps at most maxEntries (oldest go first)', () => {
    let now = 0;
    const cache = new RetryCache<number>({ ttlMs: 1000, maxEntries: 3, now: () => now });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    cache.set('d', 4);
    expect(cache.size).toBe(3);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('d')).toBe(4);
    now = 1000;
    expect(cache.get('b')).toBeUndefined();
    cache.set('e', 5);
    expect(cache.size).toBe(1);
  });
});

describe('WeChatCustomerService', () => {
  function fakeApi(answers: Record<string, unknown[]>) {
    const calls: { url: string; body: unknown }[] = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, body: JSON.parse(init.body) });
      const path = new URL(url).pathname;
      const answer = answers[path]?.shift() ?? { errcode: 0, errmsg: 'ok' };
      return { ok: true, status: 200, json: async () => answer };
    };
    return { calls, fetch };
  }

  it('fetches a stable token once and posts text messages with it', async () => {
    const api = fakeApi({ '/cgi-bin/stable_token': [{ access_token: 'TOKEN1', expires_in: 7200 }] });
    const cs = new WeChatCustomerService({ appId: 'wxA', appSecret: 'sec', fetch: api.fetch, now: () => 0 });
    await cs.send('oUser', '第一条');
    await cs.send('oUser', '第二条');
    expect(api.calls.map((c) => c.url)).toEqual([
      'https://api.weixin.qq.com/cgi-bin/stable_token',
      'https://api.weixin.qq.com/cgi-bin/message/custom/send?access_token=TOKEN1',
      'https://api.weixin.qq.com/cgi-bin/message/custom/send?access_token=TOKEN1',
    ]);
    expect(api.calls[0].body).toEqual({ grant_type: 'client_credential', appid: 'wxA', secret: 'sec', force_refresh: false });
    expect(api.calls[1].body).toEqual({ touser: 'oUser', msgtype: 'text', text: { content: '第一条' } });
  });

  it('renews an expired token once and retries', async () => {
    const api = fakeApi({
      '/cgi-bin/stable_token': [
        { access_token: 'OLD', expires_in: 7200 },
        { access_token: 'NEW', expires_in: 7200 },
      ],
      '/cgi-bin/message/custom/send': [{ errcode: 42001, errmsg: 'access_token expired' }],
    });
    const cs = new WeChatCustomerService({ appId: 'wxA', appSecret: 'sec', fetch: api.fetch });
    await cs.send('oUser', 'hi');
    expect(api.calls.at(-1)?.url).toMatch(/access_token=NEW$/);
  });

  it('turns an API error into WeChatApiError', async () => {
    const api = fakeApi({
      '/cgi-bin/stable_token': [{ access_token: 'T', expires_in: 7200 }],
      '/cgi-bin/message/custom/send': [{ errcode: 45015, errmsg: 'response out of time limit' }],
    });
    const cs = new WeChatCustomerService({ appId: 'wxA', appSecret: 'sec', fetch: api.fetch });
    await expect(cs.send('oUser', 'hi')).rejects.toThrow(new WeChatApiError('message/custom/send', 45015, 'response out of time limit'));
  });
});
