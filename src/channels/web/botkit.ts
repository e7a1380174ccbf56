/**
 * The web chat channel on Botkit with botbuilder-adapter-web: a websocket at /ws and, where
 * websockets are blocked, Botkit's webhook at /api/web/messages (replies in the response body).
 * This file only translates Botkit messages to ChatRequests and replies back.
 *
 * The page identifies itself with a random token it keeps in localStorage (sent as Botkit's
 * `user`). The stored conversation id is `web:` and a hash of that token, so the id that staff,
 * exports and handoff tickets see does not let anyone act as the page, and the page's history
 * (GET /api/web/history) is served only for the token itself (header X-Web-Token).
 */
import type { Server } from 'node:http';
import type { Express, NextFunction, Request, Response } from 'express';
import { Botkit, type BotkitMessage, type BotWorker } from 'botkit';
import { WebAdapter } from 'botbuilder-adapter-web';
import type { RateLimits } from '../../server/limits';
import { BoundedMemoryStorage, guardWebSockets, webSocketMaxPayload } from './socket-limits';
import { createHash } from 'node:crypto';
import { IDEMPOTENCY_KEY, type ChatService } from '../../service/types';
import type { TurnResult } from '../../engine/types';
import { StoreUnavailableError } from '../../store/types';

export const WEB_WEBHOOK_PATH = '/api/web/messages';
export const WEB_SOCKET_PATH = '/ws';
export const WEB_HISTORY_PATH = '/api/web/history';
/** The header that carries the page's token to WEB_HISTORY_PATH. */
export const WEB_TOKEN_HEADER = 'x-web-token';

/** The page's token: random per browser (the page makes 128 bits), kept in localStorage. */
export const WEB_TOKEN = /^[\w-]{16,128}$/;

/** The stored conversation id of a page's token: `web:` and 32 hex digits of its SHA-256. */
export function webConversationId(token: string): string {
  return `web:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
}

/** The page's per-message idempotency key, when it sent a usable one. */
function messageKey(message: BotkitMessage): string | undefined {
  const key = (message as { idempotencyKey?: unknown }).idempotencyKey;
  return typeof key === 'string' && IDEMPOTENCY_KEY.test(key) ? key : undefined;
}

/** The messages a reply becomes on the page: text, choices as buttons, the verdict for the checklist. */
export function webMessages(result: TurnResult): { text: string; channelData: Record<string, unknown> }[] {
  return result.replies.map((r, i) => ({
    text: r.text,
    channelData: {
      intent: result.intent,
      ...(r.choices?.length ? { quick_replies: r.choices.map((c) => ({ title: c, payload: c })) } : {}),
      ...(result.verdict && i === result.replies.length - 1 ? { verdict: result.verdict } : {}),
    },
  }));
}

/** Rejects a webhook body that Botkit cannot turn into a message, before Botkit sees it. */
function validateWebhook(req: Request, res: Response, next: NextFunction): void {
  const body = req.body as { type?: unknown; user?: unknown; text?: unknown; idempotencyKey?: unknown } | undefined;
  if (!body || typeof body !== 'object') return void res.status(400).json({ error: 'body must be a JSON object {"type":"message","user":"…","text":"…"}' });
  if (body.type !== 'message' && body.type !== 'hello' && body.type !== 'welcome_back')
    return void res.status(400).json({ error: 'type must be "message", "hello" or "welcome_back"' });
  if (typeof body.user !== 'string' || !WEB_TOKEN.test(body.user))
    return void res.status(400).json({ error: "user must be the page's token: 16–128 letters, digits, - or _" });
  if (body.type === 'message' && typeof body.text !== 'string') return void res.status(400).json({ error: 'text must be a string' });
  if (body.idempotencyKey !== undefined && (typeof body.idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(body.idempotencyKey)))
    return void res.status(400).json({ error: 'idempotencyKey: 1–128 printable ASCII characters without spaces' });
  next();
}

/**
 * Mounts the web channel on the shared Express app and HTTP server; returns a function that drops every websocket.
 * `limits`: the app's rate limits, which the websocket's frames count in as webhook requests do (see socket-limits.ts).
 */
export function mountWebChannel(
  app: Express,
  server: Server,
  service: ChatService,
  maxTextLength: number,
  unavailableText: string,
  limits?: RateLimits,
): { controller: Botkit; closeSockets: () => void } {
  app.post(WEB_WEBHOOK_PATH, validateWebhook);
  // The page's own history after a reload: only for its token, never by conversation id.
  app.get(WEB_HISTORY_PATH, async (req, res, next) => {
    try {
      const token = req.get(WEB_TOKEN_HEADER);
      if (!token) return void res.status(401).json({ error: `the page's token is required in the ${WEB_TOKEN_HEADER} header` });
      if (!WEB_TOKEN.test(token)) return void res.status(400).json({ error: `${WEB_TOKEN_HEADER}: 16–128 letters, digits, - or _` });
      const conversationId = webConversationId(token);
      res.json({ conversationId, maxTextLength, turns: await service.history(conversationId) });
    } catch (err) {
      next(err);
    }
  });
  // Frames over the cap close the socket (1009) before they are buffered; ws's default is 100 MiB.
  const adapter = new WebAdapter({ server, path: WEB_SOCKET_PATH, maxPayload: webSocketMaxPayload(maxTextLength) });
  // Botkit serves on our Express app: one server for every channel.
  const controller = new Botkit({ webserver: app, adapter, webhook_uri: WEB_WEBHOOK_PATH, disable_console: true, storage: new BoundedMemoryStorage() });
  // The adapter makes its socket server when Botkit is ready; this handler runs after its own.
  controller.ready(() => guardWebSockets(adapter.wss, { limits, isUser: (user) => WEB_TOKEN.test(user) }));

  // Each reply names the page's message it answers (its idempotency key) and the turn's last one says so:
  // the page marks that message sent and only then sends the next from its queue.
  const send = async (bot: BotWorker, message: BotkitMessage, result: TurnResult) => {
    const key = messageKey(message);
    const messages = webMessages(result);
    for (const [i, m] of messages.entries()) {
      await bot.reply(message, {
        type: 'message',
        text: m.text,
        channelData: { ...m.channelData, ...(key ? { replyTo: key } : {}), ...(i === messages.length - 1 ? { final: true } : {}) },
      });
    }
  };

  controller.on('message', async (bot, message) => {
    if (typeof message.user !== 'string' || !WEB_TOKEN.test(message.user)) return;
    const text = String(message.text ?? '');
    const key = messageKey(message);
    const replyTo = key ? { replyTo: key } : {};
    if (text.length > maxTextLength) {
      await bot.reply(message, {
        type: 'message',
        text: `消息太长了（最多 ${maxTextLength} 个字），请精简后再发。`,
        channelData: { error: 'too_long', ...replyTo, final: true },
      });
      return;
    }
    if (message.incoming_message.channelId === 'websocket') await bot.reply(message, { type: 'typing', channelData: replyTo });
    try {
      await send(
        bot,
        message,
        await service.handle({ conversationId: webConversationId(message.user), text, channel: 'web', ...(key ? { idempotencyKey: key } : {}) }),
      );
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      await bot.reply(message, { type: 'message', text: unavailableText, channelData: { error: 'unavailable', ...replyTo, final: true } });
    }
  });

  // The page says hello when it opens; a new conversation gets the greeting, a returning one nothing (it shows its history).
  controller.on(['hello', 'welcome_back'], async (bot, message) => {
    if (typeof message.user !== 'string' || !WEB_TOKEN.test(message.user)) return;
    const conversationId = webConversationId(message.user);
    if ((await service.history(conversationId)).length) return;
    await send(bot, message, await service.greet(conversationId, 'web'));
  });
  const closeSockets = () => {
    const wss = (adapter as unknown as { wss?: { clients: Set<{ terminate(): void }>; close(): void } }).wss;
    wss?.clients.forEach((c) => c.terminate());
    wss?.close();
  };
  return { controller, closeSockets };
}
