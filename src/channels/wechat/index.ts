/** The WeChat Official Account / WeCom channel: the router the server mounts, and its parts. */
export { createWeChatRouter, MAX_BODY_BYTES, type WeChatRouterDeps } from './router';
export { weChatConfigFromEnv, resolveWeChatConfig, type WeChatConfig, type WeChatConfigInput } from './config';
export { WeChatCustomerService, AccessTokenFetcher, type CustomerServiceSender, type FetchLike } from './customer-service';
export { WeChatCrypto } from './crypto';
export { MemoryMsgIdClaims, RedisMsgIdClaims, type MsgIdClaims } from './msg-ids';
export { MemoryPageStore, RedisPageStore, PAGES_TTL_SECONDS, type PageStore, type PagedAnswer } from './pages';
export { sha1Signature } from './signature';
export type { WeChatMessages, PassiveReply } from './responder';
export * from './errors';
