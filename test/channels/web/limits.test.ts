/**
 * The web page's websocket obeys the same limits as HTTP: the per-conversation and per-address
 * rate limits (counted in the same stores as the webhook and the API), the text length limit,
 * and a frame size cap; and Botkit's per-visitor storage stays bounded however many visitors come.
 * The chat service here is a stub that records what would be stored.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import express from 'express';
import { TurnContext, type Activity } from 'botbuilder';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/server/app';
import { mountWebChannel, WEB_SOCKET_PATH } from '../../../src/channels/web/botkit';
import type { ChatRequest, ChatService } from '../../../src/service/types';
import type { TurnResult } from '../../../src/engine/types';
import { listen } from '../../helpers/listen';

/** A chat service that answers every turn with "好的" and records each turn it would store. */
function stubService() {
  const handled: ChatRequest[] = [];
  const result = (): TurnResult =>
    ({
      state: { version: 1, choices: [], fallbackStreak: 0, turns: 0, lastSources: [] },
      intent: 'greeting',
      confidence: 1,
      replies: [{ text: '好的' }],
      sources: [],
    }) as unknown as TurnResult;
  const service: ChatService = {
    handle: async (req) => {
      handled.push(req);
      return result();
    },
    greet: async () => result(),
    check: () => {
      throw new Error('not used');
    },
    // A returning visitor: hello and welcome_back get no greeting.
    history: async () => [{ at: new Date().toISOString(), text: '你好', replies: [{ text: '好的' }] }],
  };
  return { service, handled };
}

const token = () => `t${randomBytes(12).toString('hex')}`;

interface Frame {
  type?: string;
  text?: string;
  error?: string;
}

/** A websocket to the app's /ws that collects every frame the server sends. */
async function openSocket(base: string): Promise<{ ws: WebSocket; frames: Frame[]; closed: Promise<number> }> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}${WEB_SOCKET_PATH}`);
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  ws.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const replies = (frames: Frame[]) => frames.filter((f) => f.type === 'message');

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(rateLimits: { perAddressPerMinute: number; perConversationPerMinute: number }, maxTextLength = 2000) {
  const { service, handled } = stubService();
  app = createApp({ service, rateLimits, maxTextLength });
  const base = await listen(app.server);
  // Botkit binds the websocket server once it has booted.
  await new Promise((r) => setTimeout(r, 50));
  return { base, handled };
}

describe('websocket rate limits', () => {
  it('stores at most the per-conversation limit of 300 rapid messages and says the rest were too frequent', async () => {
    const { base, handled } = await start({ perAddressPerMinute: 0, perConversationPerMinute: 20 });
    const user = token();
    const { ws, frames } = await openSocket(base);
    for (let i = 0; i < 300; i++) ws.send(JSON.stringify({ type: 'message', user, text: `第${i}条` }));
    // Every message gets a reply: the answer or the refusal.
    await until(() => replies(frames).length >= 300);
    expect(handled.length).toBe(20);
    const refused = replies(frames).filter((f) => f.error === 'rate_limited');
    expect(refused).toHaveLength(280);
    expect(refused[0].text).toMatch(/太频繁/);
    // The socket stays open and the webhook counts in the same store: this conversation is over its limit there too.
    expect(ws.readyState).toBe(WebSocket.OPEN);
    const r = await fetch(`${base}/api/web/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', user, text: '还在吗' }),
    });
    expect(r.status).toBe(429);
    expect(handled.length).toBe(20);
    ws.close();
  });

  it('applies the per-address limit across conversations and sockets from one address', async () => {
    const { base, handled } = await start({ perAddressPerMinute: 30, perConversationPerMinute: 0 });
    const sockets = await Promise.all(Array.from({ length: 5 }, () => openSocket(base)));
    for (const { ws } of sockets) {
      const user = token();
      for (let i = 0; i < 20; i++) ws.send(JSON.stringify({ type: 'message', user, text: `问题${i}` }));
    }
    await until(() => sockets.every((s) => replies(s.frames).length >= 20));
    expect(handled.length).toBe(30);
    const refused = sockets.flatMap((s) => replies(s.frames)).filter((f) => f.error === 'rate_limited');
    expect(refused).toHaveLength(70);
    // The API shares the address's count.
    const r = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: 'api-1', text: '你好' }),
    });
    expect(r.status).toBe(429);
    for (const { ws } of sockets) ws.close();
  });

  it('refuses a message that claims another visitor on the same socket', async () => {
    const { base, handled } = await start({ perAddressPerMinute: 0, perConversationPerMinute: 0 });
    const { ws, frames } = await openSocket(base);
    ws.send(JSON.stringify({ type: 'message', user: token(), text: '你好' }));
    await until(() => replies(frames).length >= 1);
    ws.send(JSON.stringify({ type: 'message', user: token(), text: '我是别人' }));
    await until(() => replies(frames).length >= 2);
    expect(handled.map((r) => r.text)).toEqual(['你好']);
    expect(replies(frames)[1].error).toBe('wrong_user');
    ws.close();
  });
});

describe('websocket sizes', () => {
  it('closes the socket on a 1 MiB frame (1009) and stores nothing', async () => {
    const { base, handled } = await start({ perAddressPerMinute: 0, perConversationPerMinute: 0 });
    const { ws, frames, closed } = await openSocket(base);
    ws.send(JSON.stringify({ type: 'message', user: token(), text: 'x'.repeat(1024 * 1024) }));
    expect(await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 3000))])).toBe(1009);
    expect(handled).toHaveLength(0);
    expect(replies(frames)).toHaveLength(0);
  });

  it('refuses text over the length limit with a message, stores nothing, keeps the socket, and counts it like an HTTP request', async () => {
    const { base, handled } = await start({ perAddressPerMinute: 0, perConversationPerMinute: 2 }, 500);
    const user = token();
    const { ws, frames } = await openSocket(base);
    // 600 characters: over the text limit, well under the frame cap.
    ws.send(JSON.stringify({ type: 'message', user, text: '注'.repeat(600) }));
    await until(() => replies(frames).length >= 1);
    expect(replies(frames)[0]).toMatchObject({ error: 'too_long' });
    expect(replies(frames)[0].text).toMatch(/太长.*500/);
    expect(handled).toHaveLength(0);
    ws.send(JSON.stringify({ type: 'message', user, text: '审批要多久' }));
    await until(() => replies(frames).length >= 2);
    expect(handled.map((r) => r.text)).toEqual(['审批要多久']);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    // As POST /api/chat counts a request before it checks the length, the refused message used one of the two allowed.
    ws.send(JSON.stringify({ type: 'message', user, text: '还要什么材料' }));
    await until(() => replies(frames).length >= 3);
    expect(replies(frames)[2]).toMatchObject({ error: 'rate_limited' });
    expect(handled).toHaveLength(1);
    ws.close();
  });
});

describe("Botkit's per-visitor storage", () => {
  it('keeps a bounded number of entries after 20,000 distinct visitors', async () => {
    const { service } = stubService();
    const server = createServer();
    const { controller, closeSockets } = mountWebChannel(express(), server, service, 2000, '暂不可用');
    await new Promise<void>((resolve) => controller.ready(() => resolve()));
    const storage = controller.storage;
    const written = new Set<string>();
    const write = storage.write.bind(storage);
    storage.write = (changes) => {
      for (const k of Object.keys(changes)) written.add(k);
      return write(changes);
    };
    for (let i = 0; i < 20_000; i++) {
      const user = `visitor-${String(i).padStart(12, '0')}`;
      // The activity the web adapter makes of a page's hello frame.
      const activity = {
        type: 'event',
        channelId: 'websocket',
        conversation: { id: user },
        from: { id: user },
        recipient: { id: 'bot' },
        channelData: { type: 'hello', user, botkitEventType: 'hello' },
      };
      await controller.handleTurn(new TurnContext(controller.adapter, activity as unknown as Partial<Activity>));
    }
    // Every visitor's state was written once…
    expect(written.size).toBe(20_000);
    // …and only a bounded number of them is kept, the most recent among them.
    const kept = Object.keys(await storage.read([...written]));
    expect(kept.length).toBeGreaterThan(0);
    // The bound (WEB_STATE_MAX_ENTRIES) is a thousand entries, not one per visitor.
    expect(kept.length).toBeLessThanOrEqual(1000);
    expect(kept).toContain([...written].at(-1));
    closeSockets();
    server.close();
  }, 60_000);
});
