/**
 * POST /api/chat served on node:http directly, in front of the Express app.
 *
 * Why not an Express route: Express's per-request set-up, body-parser and res.json cost about
 * 120 µs of CPU per request on the 2-core benchmark machine, more than the engine's whole turn,
 * which kept the busiest endpoint far below the turn-rate target (BENCHMARKS.md). The checks are
 * the same as before and built from the same libraries (content-type, type-is, raw-body, zod,
 * express-rate-limit's store), and errors go through the same mapping as the Express routes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import contentType from 'content-type';
import getRawBody from 'raw-body';
import typeis from 'type-is';
import { z } from 'zod';
import { turnJson } from '../channels/console/format';
import { IDEMPOTENCY_KEY, type ChatService } from '../service/types';
import { errorResponse, HttpError } from './errors';
import type { LatencyRecorder } from './latency';
import type { RateLimits } from './limits';

export const CHAT_PATH = '/api/chat';
/** Largest request body accepted (the same limit as the other JSON endpoints). */
export const JSON_BODY_LIMIT = 64 * 1024;

/** Conversation ids accepted over HTTP. */
export const CONVERSATION_ID = /^[\w:.-]{1,100}$/;

/** The API's own namespace: every conversation it creates or reads is stored as `api:<id>`. */
export const API_PREFIX = 'api:';

/**
 * The stored id of a conversation the public API may use: `x1` and `api:x1` are both `api:x1`.
 * Another channel's id (`wechat:…`, `teams:…`, `web:…`, anything `name:…`) is refused with 403:
 * the API must not read or write a WeChat, Teams or web user's conversation.
 */
export function apiConversationId(raw: string): string {
  if (!CONVERSATION_ID.test(raw)) throw new HttpError(400, 'conversationId: 1–100 letters, digits, _ : . or -', 'conversationId');
  if (raw.startsWith(API_PREFIX)) {
    if (raw.length === API_PREFIX.length) throw new HttpError(400, 'conversationId: nothing after "api:"', 'conversationId');
    return raw;
  }
  const colon = raw.indexOf(':');
  if (colon >= 0) {
    const prefix = raw.slice(0, colon + 1);
    const web = prefix === 'web:' ? '; the web page reads its own with its token at GET /api/web/history' : '';
    throw new HttpError(
      403,
      `conversationId "${prefix}…" belongs to another channel; the API may only use its own conversations (a plain id, stored as api:<id>)${web}`,
      'conversationId',
    );
  }
  return `${API_PREFIX}${raw}`;
}

/** The Idempotency-Key header: absent, or 1–128 printable ASCII characters (400 otherwise). */
export function idempotencyKey(req: IncomingMessage): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !IDEMPOTENCY_KEY.test(raw))
    throw new HttpError(400, 'Idempotency-Key: 1–128 printable ASCII characters without spaces', 'Idempotency-Key');
  return raw;
}

/** Control characters other than tab and line breaks are never typed by a person. */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const ChatBody = z
  .object({
    conversationId: z.string({ required_error: 'conversationId is required' }).regex(CONVERSATION_ID, 'conversationId: 1–100 letters, digits, _ : . or -'),
    text: z
      .string({ required_error: 'text is required', invalid_type_error: 'text must be a string' })
      .refine((t) => !CONTROL_CHARS.test(t), 'text contains control characters'),
  })
  .strict();

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A body's text; invalid UTF-8 is a 400 (body-parser would silently replace the bytes). */
export function decodeUtf8(buf: Uint8Array): string {
  try {
    return utf8.decode(buf);
  } catch {
    throw new HttpError(400, 'body is not valid UTF-8');
  }
}

/**
 * Reads a JSON request body as express.json({ strict: true }) does, with its error types, except
 * that an empty body is a 400 "not valid JSON" here (body-parser reads it as {}, which the schema
 * then refuses with its own 400) and a compressed body is refused with 415 (body-parser inflates it).
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (!typeis(req, ['application/json'])) throw new HttpError(415, 'Content-Type must be application/json');
  const charset = (contentType.parse(req).parameters.charset ?? 'utf-8').toLowerCase();
  if (charset !== 'utf-8' && charset !== 'utf8') throw Object.assign(new Error(`unsupported charset "${charset}"`), { type: 'charset.unsupported' });
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') throw Object.assign(new Error(`unsupported content encoding "${encoding}"`), { type: 'encoding.unsupported' });
  const text = decodeUtf8(await getRawBody(req, { limit: JSON_BODY_LIMIT, length: req.headers['content-length'] }));
  // strict: only an object or an array, as body-parser's strict mode.
  if (!/^[\s]*[[{]/.test(text)) throw Object.assign(new Error('body is not a JSON object'), { type: 'entity.parse.failed' });
  try {
    return JSON.parse(text);
  } catch {
    throw Object.assign(new Error('invalid JSON'), { type: 'entity.parse.failed' });
  }
}

export interface ChatEndpointOptions {
  service: ChatService;
  maxTextLength: number;
  limits: RateLimits;
  /** Receives the time of every answered turn (200). */
  latency?: LatencyRecorder;
}

/** The handler for POST /api/chat; `matches` tells the server which requests it takes. */
export function createChatEndpoint(opts: ChatEndpointOptions) {
  const { service, maxTextLength, limits, latency } = opts;

  async function answer(req: IncomingMessage, res: ServerResponse, started: bigint): Promise<void> {
    await limits.hitAddress(req, res);
    const parsed = ChatBody.safeParse(await readJsonBody(req));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError(
        400,
        issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys[0]}; send {"conversationId","text"}` : issue.message,
        String(issue.path[0] ?? ''),
      );
    }
    const conversationId = apiConversationId(parsed.data.conversationId);
    const key = idempotencyKey(req);
    await limits.hitConversation(conversationId, res);
    if (parsed.data.text.length > maxTextLength) throw new HttpError(413, `text is longer than ${maxTextLength} characters`, 'text');
    const result = await service.handle({ conversationId, text: parsed.data.text, channel: 'api', ...(key ? { idempotencyKey: key } : {}) });
    // The stored id, for `jianli export` and the admin API; a replayed answer says so in a header.
    if (result.replayed) res.setHeader('idempotent-replayed', 'true');
    send(res, 200, { conversationId, ...turnJson(result) });
    latency?.record(started);
  }

  return {
    matches(req: IncomingMessage): boolean {
      if (req.method !== 'POST') return false;
      const url = req.url ?? '';
      return url === CHAT_PATH || url.startsWith(`${CHAT_PATH}?`);
    },
    handle(req: IncomingMessage, res: ServerResponse): void {
      answer(req, res, process.hrtime.bigint()).catch((err: unknown) => {
        const { status, body } = errorResponse(err);
        // The rest of an unread body would otherwise be parsed as the next request.
        if (!req.complete) res.setHeader('connection', 'close');
        send(res, status, body);
        if (!req.complete) req.resume();
      });
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
