/** Settings of the WeChat channel and how they are read from the environment. */
import { WeChatConfigError } from './errors';

/** What the router needs; see README.md in this folder for where each value comes from. */
export interface WeChatConfig {
  /** 令牌(Token) from 基本配置; signs every request. */
  token: string;
  /** 开发者ID(AppID) for an Official Account, or the CorpID for WeCom; checked inside encrypted messages. */
  appId: string;
  /** 消息加解密密钥(EncodingAESKey), 43 characters; only needed in safe (安全) or compatible mode. */
  encodingAesKey?: string;
  /**
   * With an EncodingAESKey, also accept plain (unencrypted) messages. Off by default: a plain
   * request's signature covers only the query, not the body, so accepting plain messages lets
   * anyone holding one captured signature post a forged body (a downgrade from safe mode).
   * Only for switching an account from 明文模式 to 兼容/安全模式 (WECHAT_ALLOW_PLAINTEXT=1).
   */
  allowPlaintext?: boolean;
  /**
   * Live agents are on duty in 公众平台 → 客服 (多客服/微信客服): 转人工 is answered with a
   * `transfer_customer_service` reply, which hands the conversation to them. Off: the hotline
   * text (WECHAT_LIVE_AGENTS=1 switches it on).
   */
  liveAgents?: boolean;
  /** 开发者密码(AppSecret); when set, the router sends overflow replies through the customer-service API itself. */
  appSecret?: string;
  /** Requests whose timestamp is further than this from now are refused (replay protection). */
  timestampWindowSeconds: number;
  /** WeChat gives up after 5 s; a turn slower than this is answered later via customer service. */
  replyTimeoutMs: number;
}

/** The config as callers may write it: the two durations have defaults. */
export type WeChatConfigInput = Omit<WeChatConfig, 'timestampWindowSeconds' | 'replyTimeoutMs'> &
  Partial<Pick<WeChatConfig, 'timestampWindowSeconds' | 'replyTimeoutMs'>>;

export const DEFAULT_TIMESTAMP_WINDOW_SECONDS = 300;
export const DEFAULT_REPLY_TIMEOUT_MS = 4500;

/**
 * How long a MsgId is remembered so the same message is never answered twice. A request is
 * accepted while its timestamp is within the window either side of the server clock, so a
 * captured request stays acceptable for up to twice the window after it first arrived.
 */
export function msgIdMemorySeconds(config: Pick<WeChatConfig, 'timestampWindowSeconds'>): number {
  return 2 * config.timestampWindowSeconds;
}

/** A yes/no setting: 1/true/yes/on or 0/false/no/off (any case); unset or empty is `undefined`. */
function flag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const text = env[name]?.trim().toLowerCase();
  if (!text) return undefined;
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  throw new WeChatConfigError(`${name} must be 1 or 0 (true/false), got ${JSON.stringify(env[name])}`);
}

/** Fills defaults and checks every field; throws WeChatConfigError naming the field. */
export function resolveWeChatConfig(input: WeChatConfigInput): WeChatConfig {
  const config: WeChatConfig = {
    ...input,
    timestampWindowSeconds: input.timestampWindowSeconds ?? DEFAULT_TIMESTAMP_WINDOW_SECONDS,
    replyTimeoutMs: input.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS,
  };
  if (!config.token) throw new WeChatConfigError('token must not be empty');
  if (config.encodingAesKey !== undefined && !/^[A-Za-z0-9+/]{43}$/.test(config.encodingAesKey)) {
    throw new WeChatConfigError('encodingAesKey must be the 43 characters (letters and digits) shown in 基本配置');
  }
  if (config.encodingAesKey !== undefined && !config.appId) throw new WeChatConfigError('appId is required with encodingAesKey');
  if (!Number.isInteger(config.timestampWindowSeconds) || config.timestampWindowSeconds <= 0) {
    throw new WeChatConfigError('timestampWindowSeconds must be a positive whole number');
  }
  if (!Number.isFinite(config.replyTimeoutMs) || config.replyTimeoutMs <= 0) throw new WeChatConfigError('replyTimeoutMs must be positive');
  return config;
}

/**
 * Reads WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_ENCODING_AES_KEY, WECHAT_APP_SECRET,
 * WECHAT_TIMESTAMP_WINDOW, WECHAT_ALLOW_PLAINTEXT and WECHAT_LIVE_AGENTS. Returns undefined when WECHAT_TOKEN is unset, so the server can leave
 * WeChat off; throws WeChatConfigError (naming the variable) when a value cannot work.
 */
export function weChatConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WeChatConfig | undefined {
  const token = env.WECHAT_TOKEN?.trim();
  if (!token) return undefined;
  const appId = env.WECHAT_APP_ID?.trim();
  if (!appId) throw new WeChatConfigError('WECHAT_APP_ID is required when WECHAT_TOKEN is set (开发者ID(AppID), or the CorpID for WeCom)');
  const encodingAesKey = env.WECHAT_ENCODING_AES_KEY?.trim() || undefined;
  if (encodingAesKey !== undefined && !/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
    throw new WeChatConfigError('WECHAT_ENCODING_AES_KEY must be the 43-character 消息加解密密钥(EncodingAESKey)');
  }
  const windowText = env.WECHAT_TIMESTAMP_WINDOW?.trim();
  let timestampWindowSeconds = DEFAULT_TIMESTAMP_WINDOW_SECONDS;
  if (windowText) {
    if (!/^\d+$/.test(windowText) || Number(windowText) <= 0) throw new WeChatConfigError('WECHAT_TIMESTAMP_WINDOW must be a positive number of seconds');
    timestampWindowSeconds = Number(windowText);
  }
  const appSecret = env.WECHAT_APP_SECRET?.trim() || undefined;
  const allowPlaintext = flag(env, 'WECHAT_ALLOW_PLAINTEXT');
  const liveAgents = flag(env, 'WECHAT_LIVE_AGENTS');
  return resolveWeChatConfig({
    token,
    appId,
    encodingAesKey,
    appSecret,
    timestampWindowSeconds,
    ...(allowPlaintext !== undefined ? { allowPlaintext } : {}),
    ...(liveAgents !== undefined ? { liveAgents } : {}),
  });
}
