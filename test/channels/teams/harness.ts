/**
 * Real HTTP around the Teams handler: the bot on an Express app (at /api/messages behind
 * express.json(), at /raw/api/messages without a body parser) and a stand-in Bot Framework
 * connector that records what the bot posts back. Both listen on ephemeral ports of 127.0.0.1,
 * and the bot runs in emulator mode (JIANLI_TEAMS_EMULATOR=1) unless a test gives other settings.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type RequestHandler } from 'express';
import { afterAll, beforeAll } from 'vitest';
import { tempService } from '../../helpers/service';
import { createTeamsHandler } from '../../../src/channels/teams';
import type { TeamsConfig, TeamsHandlerOptions, TeamsMode } from '../../../src/channels/teams';
import type { ChatService } from '../../../src/service/types';

/** What the bot sent to the connector, in order. */
export interface Posted {
  conversationId: string;
  replyToId?: string;
  activity: OutgoingActivity;
}

/** The parts of an outgoing activity the tests look at. */
export interface OutgoingActivity {
  type: string;
  text?: string;
  textFormat?: string;
  summary?: string;
  attachments?: { contentType: string; content: CardJson }[];
  [key: string]: unknown;
}

export interface CardJson {
  type: string;
  version: string;
  body: CardNode[];
  actions?: { type: string; title: string; data: Record<string, unknown> }[];
  fallbackText?: string;
}

export interface CardNode {
  type: string;
  text?: string;
  items?: CardNode[];
  [key: string]: unknown;
}

function listen(app: Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export interface Harness {
  botUrl: string;
  connectorUrl: string;
  mode: TeamsMode;
  posted: Posted[];
  /** Every request that reached the connector, whatever its path ("POST /v3/..."). */
  hits: string[];
  stop(): Promise<void>;
}

/** Starts the stand-in connector and the bot; `stop()` closes both. Default: emulator mode. */
export async function startHarness(service: ChatService, config: TeamsConfig = { emulator: true }, options: TeamsHandlerOptions = {}): Promise<Harness> {
  const posted: Posted[] = [];
  const hits: string[] = [];
  const connector = express();
  connector.use((req, _res, next) => {
    hits.push(`${req.method} ${req.url}`);
    next();
  });
  connector.use(express.json({ limit: '5mb' }));
  const record: RequestHandler<{ conversationId: string; replyToId?: string }> = (req, res) => {
    posted.push({ conversationId: req.params.conversationId, replyToId: req.params.replyToId, activity: req.body as OutgoingActivity });
    res.status(200).json({ id: `sent-${posted.length}` });
  };
  connector.post('/v3/conversations/:conversationId/activities', record);
  connector.post('/v3/conversations/:conversationId/activities/:replyToId', record);
  const c = await listen(connector);

  const { handler, mode } = createTeamsHandler(service, config, options);
  const bot = express();
  bot.post('/api/messages', express.json(), handler);
  // The same handler without a body parser in front: it reads the stream itself.
  bot.post('/raw/api/messages', handler);
  const b = await listen(bot);

  return {
    botUrl: b.url,
    connectorUrl: c.url,
    mode,
    posted,
    hits,
    stop: async () => {
      await close(b.server);
      await close(c.server);
    },
  };
}

/**
 * A server that records every request made to it, standing in for whatever a forged serviceUrl
 * points at (an internal service, a cloud metadata endpoint). `host` is the address it listens on.
 */
export async function startTarget(host = '127.0.0.1'): Promise<{ port: number; hits: string[]; stop(): Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    res.setHeader('Content-Type', 'application/json');
    res.end('{"id":"target"}');
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return { port: (server.address() as AddressInfo).port, hits, stop: () => close(server) };
}

let nextId = 0;

/** An Emulator-style activity from user `user-1` to bot `bot-1` in `conversation`. */
export function activity(h: Harness, conversation: string, fields: Record<string, unknown>): Record<string, unknown> {
  nextId += 1;
  return {
    type: 'message',
    id: `in-${nextId}`,
    channelId: 'emulator',
    serviceUrl: h.connectorUrl,
    timestamp: new Date().toISOString(),
    from: { id: 'user-1', name: 'User', role: 'user' },
    recipient: { id: 'bot-1', name: 'Bot', role: 'bot' },
    conversation: { id: conversation },
    locale: 'zh-CN',
    ...fields,
  };
}

/** POSTs a body to the bot; returns the status, the response body, the messages that reached the connector meanwhile and how many typing indicators. */
export async function post(
  h: Harness,
  body: unknown,
  options: { path?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<{ status: number; body: string; sent: OutgoingActivity[]; typing: number }> {
  const before = h.posted.length;
  const res = await fetch(`${h.botUrl}${options.path ?? '/api/messages'}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...options.headers },
    body: options.raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  const all = h.posted.slice(before).map((p) => p.activity);
  // Typing indicators are counted apart: `sent` is what the user reads.
  return { status: res.status, body: text, sent: all.filter((a) => a.type !== 'typing'), typing: all.filter((a) => a.type === 'typing').length };
}

/** Every TextBlock text of a card, depth first. */
export function cardTexts(nodes: CardNode[]): string[] {
  return nodes.flatMap((n) => [...(n.text ? [n.text] : []), ...(n.items ? cardTexts(n.items) : [])]);
}

/** The Adaptive Card of an outgoing activity, if it carries one. */
export function cardOf(a: OutgoingActivity): CardJson | undefined {
  return a.attachments?.find((x) => x.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/**
 * A harness on a fresh temporary chat service for the whole test file: started before the first
 * test, stopped (and its files removed) after the last. Read `h` and `service` inside tests.
 */
export function harnessForFile(): { h: Harness; service: ReturnType<typeof tempService>['service'] } {
  const ctx = {} as { h: Harness; service: ReturnType<typeof tempService>['service'] };
  let cleanup = () => {};
  beforeAll(async () => {
    const temp = tempService();
    ctx.service = temp.service;
    cleanup = temp.cleanup;
    ctx.h = await startHarness(temp.service);
  });
  afterAll(async () => {
    await ctx.h?.stop();
    cleanup();
  });
  return ctx;
}
