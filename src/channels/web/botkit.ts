/**
 * The web chat channel on Botkit with botbuilder-adapter-web: a websocket at /ws and, where
 * websockets are blocked, Botkit's webhook at /api/web/messages (replies in the response body).
 * This file only translates Botkit messages to ChatRequests and replies back.
 */
import type { Server } from 'node:http';
import type { Express, NextFunction, Request, Response } from 'express';
import { Botkit, type BotkitMessage, type BotWorker } from 'botkit';
import { WebAdapter } from 'botbuilder-adapter-web';
import type { RateLimits } from '../../server/limits';
import { BoundedMemoryStorage, guardWebSockets, webSocketMaxPayload } from './socket-limits';
import type { ChatService } from '../../service/types';
import type { TurnResult } from '../../engine/types';
import { StoreUnavailableError } from '../../store/types';

export const WEB_WEBHOOK_PATH = '/api/web/messages';
export const WEB_SOCKET_PATH = '/ws';

/** A page-supplied id: random per browser, kept in localStorage. */
const CLIENT_ID = /^[\w-]{8,64}$/;

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
  const body = req.body as { type?: unknown; user?: unknown; text?: unknown } | undefined;
  if (!body || typeof body !== 'object') return void res.status(400).json({ error: 'body must be a JSON object {"type":"message","user":"…","text":"…"}' });
  if (body.type !== 'message' && body.type !== 'hello' && body.type !== 'welcome_back') return void res.status(400).json({ error: 'type must be "message", "hello" or "welcome_back"' });
  if (typeof body.user !== 'string' || !CLIENT_ID.test(body.user)) return void res.status(400).json({ error: 'user must be 8–64 letters, digits, - or _' });
  if (body.type === 'message' && typeof body.text !== 'string') return void res.status(400).json({ error: 'text must be a string' });
  next();
}

/**
 * Mounts the web channel on the shared Express app and HTTP server; returns a function that drops every websocket.
 * `limits`: the app's rate limits, which the websocket's frames count in as webhook requests do (see socket-limits.ts).
 */
export function mountWebChannel(app: Express, server: Server, service: ChatService, maxTextLength: number, unavailableText: string, limits?: RateLimits): { controller: Botkit; closeSockets: () => void } {
  app.post(WEB_WEBHOOK_PATH, validateWebhook);
  // Frames over the cap close the socket (1009) before they are buffered; ws's default is 100 MiB.
  const adapter = new WebAdapter({ server, path: WEB_SOCKET_PATH, maxPayload: webSocketMaxPayload(maxTextLength) });
  // Botkit serves on our Express app: one server for every channel.
  const controller = new Botkit({ webserver: app, adapter, webhook_uri: WEB_WEBHOOK_PATH, disable_console: true, storage: new BoundedMemoryStorage() });
  // The adapter makes its socket server when Botkit is ready; this handler runs after its own.
  controller.ready(() => guardWebSockets(adapter.wss, { limits, isUser: (user) => CLIENT_ID.test(user) }));

  const send = async (bot: BotWorker, message: BotkitMessage, result: TurnResult) => {
    for (const m of webMessages(result)) await bot.reply(message, { type: 'message', text: m.text, channelData: m.channelData });
  };

  controller.on('message', async (bot, message) => {
    if (typeof message.user !== 'string' || !CLIENT_ID.test(message.user)) return;
    const text = String(message.text ?? '');
    if (text.length > maxTextLength) {
      await bot.reply(message, { type: 'message', text: `消息太长了（最多 ${maxTextLength} 个字），请精简后再发。`, channelData: { error: 'too_long' } });
      return;
    }
    if (message.incoming_message.channelId === 'websocket') await bot.reply(message, { type: 'typing' });
    try {
      await send(bot, message, await service.handle({ conversationId: `web:${message.user}`, text, channel: 'web' }));
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      await bot.reply(message, { type: 'message', text: unavailableText, channelData: { error: 'unavailable' } });
    }
  });

  // The page says hello when it opens; a new conversation gets the greeting, a returning one nothing (it shows its history).
  controller.on(['hello', 'welcome_back'], async (bot, message) => {
    if (typeof message.user !== 'string' || !CLIENT_ID.test(message.user)) return;
    const conversationId = `web:${message.user}`;
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
