/**
 * The WeChat channel as an Express router, mounted by the server at /wechat:
 * GET / answers WeChat's URL check, POST / receives messages and answers with a passive reply.
 * It reads the raw body itself (so no JSON parser may run before it) and answers every refused
 * request with a 4xx and a one-line plain-text reason.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { ChatService } from '../../service/types';
import { msgIdMemorySeconds, resolveWeChatConfig, type WeChatConfigInput } from './config';
import { LoggingOnlySender, WeChatCustomerService, type CustomerServiceSender } from './customer-service';
import { WeChatRequestError } from './errors';
import { loadWeChatMessages } from './messages';
import type { MsgIdClaims } from './msg-ids';
import type { PageStore } from './pages';
import { WeChatRequestVerifier, type WeChatQuery } from './request';
import { WeChatResponder, type WeChatMessages } from './responder';
import { textReplyXml, transferReplyXml } from './xml';

/** Largest body accepted; WeChat's messages are a few KB, so more is not WeChat. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface WeChatRouterDeps {
  /** Sends what does not fit the passive reply. Default: the customer-service API when an AppSecret is configured, else a logger. */
  customerService?: CustomerServiceSender;
  /** Milliseconds since the epoch (timestamp window, CreateTime of replies). */
  now?: () => number;
  /** One line per refused request or failed delivery. Default: stderr. */
  log?: (line: string) => void;
  /** The channel's fixed texts. Default: read from knowledge/messages.yaml. */
  messages?: WeChatMessages;
  /** Answers an image message by its PicUrl (the ID-photo check, src/photo). Default: pictures get `wechatUnsupported`. */
  photoCheck?: (picUrl: string) => Promise<string>;
  /**
   * Where MsgIds are remembered so no message is answered twice. Default: this process's memory;
   * give a RedisMsgIdClaims when several instances share a Redis store.
   */
  msgIds?: MsgIdClaims;
  /**
   * Where the waiting parts of long answers are kept. Default: on the Redis of a RedisMsgIdClaims
   * given as `msgIds`, else this process's memory.
   */
  pages?: PageStore;
}

/** The page store that goes with the MsgId claims (Redis claims offer one on their connection). */
function pagesOf(msgIds: MsgIdClaims | undefined): PageStore | undefined {
  const withPages = msgIds as (MsgIdClaims & { pageStore?: () => PageStore | undefined }) | undefined;
  return typeof withPages?.pageStore === 'function' ? withPages.pageStore() : undefined;
}

const QUERY_KEYS = ['signature', 'msg_signature', 'timestamp', 'nonce', 'echostr', 'encrypt_type', 'openid'] as const;

/** The query parameters as single strings; repeated or nested parameters are ignored. */
function weChatQuery(req: Request): WeChatQuery {
  const q: WeChatQuery = {};
  for (const key of QUERY_KEYS) {
    const value: unknown = req.query[key];
    if (typeof value === 'string') q[key] = value;
  }
  return q;
}

function bodyText(req: Request): string {
  const body: unknown = req.body;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return '';
}

/** Builds the router; throws WeChatConfigError at once when the config cannot work. */
export function createWeChatRouter(service: ChatService, config: WeChatConfigInput, deps: WeChatRouterDeps = {}): Router {
  const cfg = resolveWeChatConfig(config);
  const now = deps.now ?? Date.now;
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const sender = deps.customerService ?? (cfg.appSecret ? new WeChatCustomerService({ appId: cfg.appId, appSecret: cfg.appSecret }) : new LoggingOnlySender());
  const verifier = new WeChatRequestVerifier(cfg, now);
  const responder = new WeChatResponder({
    service,
    sender,
    messages: deps.messages ?? loadWeChatMessages(),
    replyTimeoutMs: cfg.replyTimeoutMs,
    now,
    log,
    photoCheck: deps.photoCheck,
    msgIds: deps.msgIds,
    msgIdTtlSeconds: msgIdMemorySeconds(cfg),
    pages: deps.pages ?? pagesOf(deps.msgIds),
    liveAgents: cfg.liveAgents,
  });

  const router = express.Router();

  router.get('/', (req, res) => {
    res.type('text/plain').send(verifier.verifyUrl(weChatQuery(req)));
  });

  // Any content type: WeChat sends text/xml, but the signature, not the header, decides what we trust.
  router.post('/', express.text({ type: () => true, limit: MAX_BODY_BYTES }), async (req: Request, res: Response, next: NextFunction) => {
    try {
      const { message, encrypted, nonce } = verifier.openMessage(weChatQuery(req), bodyText(req));
      const reply = await responder.respond(message);
      // `success` tells WeChat not to retry and to show nothing (the answer, if any, comes later).
      if (reply === undefined) return void res.type('text/plain').send('success');
      const head = { toUser: message.fromUser, fromUser: message.toUser, createTime: Math.floor(now() / 1000) };
      const xml = reply.kind === 'transfer' ? transferReplyXml(head) : textReplyXml({ ...head, content: reply.content });
      res.type('application/xml').send(encrypted ? verifier.sealReply(xml, nonce) : xml);
    } catch (err) {
      next(err);
    }
  });

  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const [status, reason] = statusOf(err);
    if (status === 500) log(`wechat: ${req.method} failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    else log(`wechat: ${req.method} refused (${status}): ${reason}`);
    if (!res.headersSent) res.status(status).type('text/plain').send(reason);
  });

  return router;
}

/** The status and the one-line reason of a failure; anything unexpected is a bare 500. */
function statusOf(err: unknown): [number, string] {
  if (err instanceof WeChatRequestError) return [err.status, err.message];
  // body-parser's errors carry a `type`; map the ones a client can cause.
  const e = err as { type?: unknown; status?: unknown };
  if (e?.type === 'entity.too.large') return [413, `body is larger than ${MAX_BODY_BYTES / 1024} KB`];
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return [415, 'unsupported body encoding'];
  if (e?.type === 'request.aborted' || e?.type === 'request.size.invalid') return [400, 'incomplete body'];
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return [e.status, 'bad request'];
  return [500, 'internal error'];
}
