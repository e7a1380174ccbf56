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
 * Reads WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_ENCODING_AES_KEY, WECHAT_APP_SECRET and
 * WECHAT_TIMESTAMP_WINDOW. Returns undefined when WECHAT_TOKEN is unset, so the server can leave
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
  return resolveWeChatConfig({ token, appId, encodingAesKey, appSecret, timestampWindowSeconds });
}
