/**
 * Limits for the web page's websocket, which Botkit's web adapter serves outside Express (and so
 * outside its middlewares): the frame size cap, the same per-address and per-conversation rate
 * limits as HTTP (counted in the same stores, see server/limits.ts), one visitor per socket, and a
 * bounded replacement for Botkit's unbounded in-memory state storage.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { HttpError } from '../../server/errors';
import type { RateLimits } from '../../server/limits';

/**
 * Largest websocket frame accepted: 16 KiB, or more when the text limit needs it (a character
 * is at most 6 bytes of JSON). A larger frame closes the socket (1009) before it is buffered.
 */
export function webSocketMaxPayload(maxTextLength: number): number {
  return Math.max(16 * 1024, maxTextLength * 6 + 1024);
}

/** What the page shows for a refused frame (as the adapter sends a reply: type, text and our error code). */
export const SOCKET_REFUSALS = {
  rate_limited: '发送太频繁了，请稍等一分钟再试。',
  wrong_user: '这个连接属于另一个会话，请刷新页面后再试。',
} as const;

/** The part of a ws socket the guard uses (the adapter's ws 7). */
interface Socket {
  readonly readyState: number;
  send(data: string): void;
  on(event: 'message', listener: (payload: unknown) => void): unknown;
  listeners(event: 'message'): ((payload: unknown) => void)[];
  removeAllListeners(event: 'message'): unknown;
}

interface SocketServer {
  on(event: 'connection', listener: (ws: Socket, req: IncomingMessage) => void): unknown;
}

/** server/limits.ts writes RateLimit headers on an HTTP response; a websocket frame has none to write. */
const NO_HEADERS = {
  appendHeader() {
    return this;
  },
  setHeader() {
    return this;
  },
} as unknown as ServerResponse;

export interface SocketGuardOptions {
  limits?: RateLimits;
  /** A usable visitor id (the page's token); frames naming anything else are dropped. */
  isUser: (user: string) => boolean;
}

/**
 * Puts a gate in front of the adapter's frame handler on every socket: a frame is counted against
 * the connection's address (its upgrade request, read as HTTP requests are) and its visitor's
 * conversation, as one HTTP request would be, and passed on only within both limits. The first
 * valid visitor id binds the socket; a frame naming another is refused (the adapter would
 * otherwise route that visitor's replies to this socket and keep one entry per id it saw).
 * Refusals are replies on the socket, not disconnects. Frames of a socket are handled in order.
 * Call after the adapter has created its server (controller.ready), so its handler is in place.
 */
export function guardWebSockets(wss: SocketServer, opts: SocketGuardOptions): void {
  wss.on('connection', (ws, req) => {
    const deliver = ws.listeners('message');
    ws.removeAllListeners('message');
    let bound: string | undefined;
    let queue = Promise.resolve();

    const refuse = (error: keyof typeof SOCKET_REFUSALS) => {
      if (ws.readyState === 1) ws.send(JSON.stringify({ type: 'message', text: SOCKET_REFUSALS[error], error }));
    };
    const limited = async (hit: () => Promise<void>): Promise<boolean> => {
      try {
        await hit();
        return false;
      } catch (err) {
        if (err instanceof HttpError && err.status === 429) return true;
        throw err;
      }
    };

    /** Whether the frame goes on to the adapter; a refused one gets its reply here. */
    const admit = async (payload: unknown): Promise<boolean> => {
      const { limits } = opts;
      if (limits && (await limited(() => limits.hitAddress(req, NO_HEADERS)))) {
        refuse('rate_limited');
        return false;
      }
      let message: { user?: unknown } | null;
      try {
        message = JSON.parse(String(payload)) as { user?: unknown } | null;
      } catch {
        return false;
      }
      const user = message?.user;
      if (typeof user !== 'string' || !opts.isUser(user)) return false;
      if (bound !== undefined && user !== bound) {
        refuse('wrong_user');
        return false;
      }
      bound = user;
      // The webhook's key for the same visitor (its body's user), so both paths add up.
      if (limits && (await limited(() => limits.hitConversation(user, NO_HEADERS)))) {
        refuse('rate_limited');
        return false;
      }
      return true;
    };

    ws.on('message', (payload) => {
      queue = queue
        .then(() => admit(payload))
        .then((ok) => {
          if (ok) for (const handler of deliver) handler.call(ws, payload);
        })
        .catch((err: unknown) => console.error(`websocket frame refused: ${(err as Error)?.message ?? String(err)}`));
    });
  });
}

/** Botkit dialog-state entries kept (least recently used first out); the assistant keeps its own state in our store. */
export const WEB_STATE_MAX_ENTRIES = 1000;

/**
 * Botkit's state storage (one entry per conversation) with a bound: botbuilder's MemoryStorage
 * keeps every visitor's entry for good. Same eTag rules as MemoryStorage; reading or writing an
 * entry makes it the most recent, and the least recently used goes past the bound. Our turns do
 * not use Botkit dialogs, so an evicted entry only means an empty dialog stack next time.
 */
export class BoundedMemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  private etag = 1;

  constructor(readonly maxEntries = WEB_STATE_MAX_ENTRIES) {}

  get size(): number {
    return this.items.size;
  }

  async read(keys: string[]): Promise<StoreItems> {
    const data: StoreItems = {};
    for (const key of keys) {
      const item = this.items.get(key);
      if (item === undefined) continue;
      this.items.delete(key);
      this.items.set(key, item);
      data[key] = JSON.parse(item) as StoreItem;
    }
    return data;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes) as [string, StoreItem][]) {
      const old = this.items.get(key);
      if (old !== undefined && item.eTag && item.eTag !== '*' && (JSON.parse(old) as StoreItem).eTag !== item.eTag)
        throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
      this.items.delete(key);
      this.items.set(key, JSON.stringify({ ...item, eTag: String(this.etag++) }));
    }
    for (const key of this.items.keys()) {
      if (this.items.size <= this.maxEntries) break;
      this.items.delete(key);
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.items.delete(key);
  }
}
