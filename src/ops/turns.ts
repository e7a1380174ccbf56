/**
 * Logs and counts what the chat service does, without changing it: each turn gets one log line
 * (`turn`: reqId, channel, intent, confidence, latencyMs, the conversation and the user's text,
 * masked like every line) and is counted in the metrics; each store call that fails because the
 * store is unavailable is counted. Every channel's turns go through ChatService.handle, so
 * wrapping it covers the web page, the API, WeChat and Teams alike.
 */
import { randomUUID } from 'node:crypto';
import type { TurnObserver } from '../service/chat';
import type { ChatRequest, ChatResult } from '../service/types';
import { maskPersonalData } from '../privacy/mask';
import { StoreUnavailableError, type ConversationStore } from '../store/types';
import { requestContext } from './http-log';
import { MaskedText, rounded, type Logger } from './logger';
import type { Metrics } from './metrics';

/** Longest user text written to a turn's line (after masking). */
const LOGGED_TEXT = 200;

/** Anything with the chat service's handle() (AssistantChatService); with observe(), the stored (masked) text is reused. */
export interface TurnHandler {
  handle(req: ChatRequest): Promise<ChatResult>;
  observe?(observer: TurnObserver): unknown;
}

/**
 * Replaces `service.handle` on this instance with one that logs and counts each turn, then
 * returns the service. A turn inside an HTTP request logs with the request's id and fills in the
 * request line's channel and intent; one outside (a websocket frame) gets an id of its own.
 */
export function instrumentTurns<S extends TurnHandler>(service: S, opts: { logger: Logger; metrics?: Metrics }): S {
  const handle = service.handle.bind(service);
  const { logger, metrics } = opts;
  // The service masks each stored turn's text already: its observers see it, so it is not masked twice.
  const stored = new WeakMap<ChatRequest, string>();
  service.observe?.(({ req, record }) => void stored.set(req, record.text));
  service.handle = async (req: ChatRequest): Promise<ChatResult> => {
    const ctx = requestContext.getStore();
    const log = ctx?.log ?? logger.child({ reqId: new MaskedText(randomUUID()) });
    const started = process.hrtime.bigint();
    // Masked before it is cut short (so no number is cut in two), and not again by the logger.
    const loggedText = () => {
      const text = stored.get(req) ?? maskPersonalData(req.text);
      return new MaskedText(text.length > LOGGED_TEXT ? `${text.slice(0, LOGGED_TEXT)}…` : text);
    };
    const fields = () => ({ channel: req.channel, conversationId: req.conversationId, text: loggedText() });
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    try {
      const result = await handle(req);
      const ms = elapsed();
      if (ctx) {
        ctx.channel = req.channel;
        ctx.intent = result.intent;
      }
      const counted = !result.replayed && !result.stale;
      if (counted) metrics?.turn(req.channel, result.intent, ms / 1000);
      if (log.isLevelEnabled('info'))
        log.info(
          {
            ...fields(),
            intent: result.intent,
            confidence: rounded(result.confidence),
            latencyMs: rounded(ms),
            ...(result.replayed ? { replayed: true } : {}),
            ...(result.stale ? { stale: true } : {}),
          },
          'turn',
        );
      return result;
    } catch (err) {
      if (ctx) ctx.channel = req.channel;
      metrics?.turnFailed(req.channel);
      const level = isStoreUnavailable(err) ? 'warn' : 'error';
      log[level]({ ...fields(), latencyMs: rounded(elapsed()), err }, 'turn failed');
      throw err;
    }
  };
  return service;
}

/** A StoreUnavailableError, or an error of the Redis client (which the Redis store reports as one). */
export function isStoreUnavailable(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  // ioredis's errors derive from redis-errors' RedisError.
  for (let p = Object.getPrototypeOf(err) as object | null; p && p !== Error.prototype; p = Object.getPrototypeOf(p) as object | null) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === 'RedisError') return true;
  }
  return false;
}

/** The parts of a store whose calls are counted, by name (the operation is `part.method`, e.g. `conversations.read`). */
const STORE_PARTS = new Set<PropertyKey>(['conversations', 'transcripts', 'tickets']);

/**
 * The store, counting each call that fails because it is unavailable (metrics.storeError with
 * the method's name, `conversations.read`, or `health` for the store's own). An error is counted
 * once, where it first appears: a turn's failed write is not counted again when the
 * conversation's exclusive section fails with it.
 */
export function countStoreErrors<S extends ConversationStore>(store: S, onError: (operation: string) => void): S {
  const counted = new WeakSet<object>();
  const note = (operation: string, err: unknown) => {
    if (isStoreUnavailable(err) && !counted.has(err as object)) {
      counted.add(err as object);
      onError(operation);
    }
  };
  const counting = <T extends object>(target: T, prefix: string, parts: Set<PropertyKey>): T => {
    const wrapped = new Map<PropertyKey, unknown>();
    return new Proxy(target, {
      get(t, prop) {
        // Read and called on the object itself (its private fields are its own).
        const value: unknown = Reflect.get(t, prop);
        if (parts.has(prop) && typeof value === 'object' && value !== null) {
          if (!wrapped.has(prop)) wrapped.set(prop, counting(value, `${String(prop)}.`, new Set()));
          return wrapped.get(prop);
        }
        if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'constructor') return value;
        const operation = `${prefix}${prop}`;
        return (...args: unknown[]) => {
          let out: unknown;
          try {
            out = (value as (...a: unknown[]) => unknown).apply(t, args);
          } catch (err) {
            note(operation, err);
            throw err;
          }
          if (out instanceof Promise) {
            return out.catch((err: unknown) => {
              note(operation, err);
              throw err;
            });
          }
          return out;
        };
      },
    });
  };
  return counting(store, '', STORE_PARTS);
}
