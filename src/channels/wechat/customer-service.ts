/**
 * Messages outside the 5-second passive reply: the rest of a long answer, or an answer that took
 * too long. The Official Account's customer-service API (客服消息) allows this within 48 hours of
 * the user's last message; unverified subscription accounts do not have it.
 */
import { WeChatApiError } from './errors';

/** Sends a text to a user later. The router only knows this interface; tests pass a fake. */
export interface CustomerServiceSender {
  send(openId: string, text: string): Promise<void>;
}

/** The subset of `fetch` used here, so tests and proxies can supply their own. */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string },
) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

export interface WeChatApiOptions {
  appId: string;
  appSecret: string;
  /** Default: https://api.weixin.qq.com (a proxy in front of it may be named here). */
  apiBase?: string;
  fetch?: FetchLike;
  now?: () => number;
}

interface ApiAnswer {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
}

/** Error codes meaning "the access token is no longer valid": fetch a new one and try once more. */
const TOKEN_EXPIRED = new Set([40001, 40014, 42001]);

async function postJson(fetchFn: FetchLike, url: string, body: unknown, api: string): Promise<ApiAnswer> {
  const res = await fetchFn(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new WeChatApiError(api, res.status, `HTTP ${res.status}`);
  const answer = (await res.json()) as ApiAnswer;
  if (answer.errcode) throw new WeChatApiError(api, answer.errcode, answer.errmsg ?? '');
  return answer;
}

/**
 * Fetches and caches the access token through `stable_token`, which (unlike `token`) does not
 * invalidate the token other server instances hold. Concurrent callers share one request.
 */
export class AccessTokenFetcher {
  private cached?: { token: string; expires: number };
  private pending?: Promise<string>;
  private readonly fetchFn: FetchLike;
  private readonly now: () => number;

  constructor(private readonly opts: WeChatApiOptions) {
    this.fetchFn = opts.fetch ?? (globalThis.fetch as FetchLike);
    this.now = opts.now ?? Date.now;
  }

  get(): Promise<string> {
    if (this.cached && this.cached.expires > this.now()) return Promise.resolve(this.cached.token);
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const base = this.opts.apiBase ?? 'https://api.weixin.qq.com';
    const answer = await postJson(
      this.fetchFn,
      `${base}/cgi-bin/stable_token`,
      { grant_type: 'client_credential', appid: this.opts.appId, secret: this.opts.appSecret, force_refresh: false },
      'stable_token',
    );
    if (!answer.access_token) throw new WeChatApiError('stable_token', -1, 'no access_token in the answer');
    // Renew five minutes early so a token never expires between fetching and using it.
    const lifetime = Math.max(60, (answer.expires_in ?? 7200) - 300);
    this.cached = { token: answer.access_token, expires: this.now() + lifetime * 1000 };
    return answer.access_token;
  }
}

/** Sends text messages through POST /cgi-bin/message/custom/send. */
export class WeChatCustomerService implements CustomerServiceSender {
  private readonly tokens: AccessTokenFetcher;
  private readonly fetchFn: FetchLike;

  constructor(private readonly opts: WeChatApiOptions) {
    this.tokens = new AccessTokenFetcher(opts);
    this.fetchFn = opts.fetch ?? (globalThis.fetch as FetchLike);
  }

  async send(openId: string, text: string): Promise<void> {
    const body = { touser: openId, msgtype: 'text', text: { content: text } };
    try {
      await this.post(await this.tokens.get(), body);
    } catch (err) {
      if (!(err instanceof WeChatApiError) || !TOKEN_EXPIRED.has(err.errcode)) throw err;
      this.tokens.invalidate();
      await this.post(await this.tokens.get(), body);
    }
  }

  private async post(token: string, body: unknown): Promise<void> {
    const base = this.opts.apiBase ?? 'https://api.weixin.qq.com';
    await postJson(this.fetchFn, `${base}/cgi-bin/message/custom/send?access_token=${encodeURIComponent(token)}`, body, 'message/custom/send');
  }
}

/**
 * Used when no sender is configured: every send fails (naming the setting), so the responder
 * logs it and keeps the answer for the user's "0" instead.
 */
export class LoggingOnlySender implements CustomerServiceSender {
  async send(openId: string, text: string): Promise<void> {
    throw new Error(`no customer-service sender configured (set WECHAT_APP_SECRET); a message of ${text.length} characters for ${openId} was not sent`);
  }
}
