/**
 * Test harness for the WeChat channel: the router on a real Express app on an ephemeral port,
 * a real chat service on a temporary store, signed requests and a recording customer-service fake.
 */
import { loadKnowledge } from '../../../src/knowledge/load';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { XMLParser } from 'fast-xml-parser';
import { createWeChatRouter, WeChatCrypto, type CustomerServiceSender, type WeChatConfigInput, type WeChatRouterDeps } from '../../../src/channels/wechat';
import type { ChatRequest, ChatService } from '../../../src/service/types';
import type { TurnResult } from '../../../src/engine/types';
import { tempService } from '../../helpers/service';

export const TOKEN = 'jianliTestToken2024';
export const APP_ID = 'wx1234567890abcdef';
export const ACCOUNT = 'gh_0123456789ab';
/** A fixed clock: 2025-03-01T02:00:00Z. */
export const NOW_MS = Date.UTC(2025, 2, 1, 2, 0, 0);
export const NOW_S = Math.floor(NOW_MS / 1000);

/** SHA-1 of the sorted parts, written out here rather than imported, so tests check the code. */
export function sign(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** The query WeChat puts on a plain-mode request. */
export function plainQuery(opts: { token?: string; timestamp?: number; nonce?: string; extra?: Record<string, string> } = {}): URLSearchParams {
  const timestamp = String(opts.timestamp ?? NOW_S);
  const nonce = opts.nonce ?? '1357924680';
  return new URLSearchParams({ signature: sign(opts.token ?? TOKEN, timestamp, nonce), timestamp, nonce, ...(opts.extra ?? {}) });
}

/**
 * The query and body WeChat sends in safe mode for `xml`: sealed with `key` for APP_ID, the URL
 * signed with TOKEN and the msg_signature over the sealed text.
 */
export function sealedRequest(xml: string, key: string, nonce = '24680'): { query: URLSearchParams; body: string } {
  const encrypt = new WeChatCrypto(key, APP_ID).encrypt(xml);
  const timestamp = String(NOW_S);
  const query = new URLSearchParams({
    signature: sign(TOKEN, timestamp, nonce),
    timestamp,
    nonce,
    encrypt_type: 'aes',
    msg_signature: sign(TOKEN, timestamp, nonce, encrypt),
  });
  return { query, body: `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` };
}

let msgCounter = 0;
export function nextMsgId(): string {
  msgCounter += 1;
  return `2460000000000000${String(msgCounter).padStart(3, '0')}`;
}

export function textXml(opts: { from: string; content: string; msgId?: string; createTime?: number }): string {
  return (
    `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${opts.from}]]></FromUserName>` +
    `<CreateTime>${opts.createTime ?? NOW_S}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content><![CDATA[${opts.content}]]></Content><MsgId>${opts.msgId ?? nextMsgId()}</MsgId></xml>`
  );
}

export function eventXml(opts: { from: string; event: string; createTime?: number }): string {
  return (
    `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${opts.from}]]></FromUserName>` +
    `<CreateTime>${opts.createTime ?? NOW_S}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${opts.event}]]></Event></xml>`
  );
}

const replyParser = new XMLParser({ parseTagValue: false, processEntities: false, ignoreAttributes: true });

/** The fields of a reply's <xml>, as strings. */
export function parseReply(xml: string): Record<string, string> {
  const doc = replyParser.parse(xml) as { xml?: Record<string, string> };
  if (!doc.xml) throw new Error(`not a WeChat reply: ${xml}`);
  return doc.xml;
}

/** The heading above numbered choices, as knowledge/messages.yaml says it. */
const CHOICES_HEADING = loadKnowledge().messages.choicesHeading;

const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩';

/**
 * What the router should send for a short turn's replies: numbered lists inside the text marked
 * ①②③ (so they never look like choices), no 点选 (WeChat has no buttons), choices as numbered
 * lines under the heading, replies joined by a blank line.
 */
export function expectedText(replies: { text: string; choices?: string[] }[]): string {
  return replies
    .map((r) => {
      const text = r.text
        .replace(/^(\s*)(\d)(?:\.(?!\d)|、)\s*/gm, (_m, indent: string, n: string) => `${indent}${CIRCLED[Number(n) - 1]}`)
        .replace(/点选或/g, '');
      return [text, ...(r.choices?.length ? [CHOICES_HEADING] : []), ...(r.choices ?? []).map((c, i) => `${i + 1}. ${c}`)].join('\n');
    })
    .join('\n\n');
}

/** Records customer-service messages; `received(n)` resolves once n have arrived. */
export class RecordingSender implements CustomerServiceSender {
  readonly sent: { openId: string; text: string }[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];

  async send(openId: string, text: string): Promise<void> {
    this.sent.push({ openId, text });
    this.waiters = this.waiters.filter((w) => (this.sent.length >= w.n ? (w.resolve(), false) : true));
  }

  received(n: number): Promise<void> {
    if (this.sent.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

/** Wraps a service to count calls and, optionally, hold turns until `release()`. */
export class SpyService implements ChatService {
  handled: ChatRequest[] = [];
  greeted = 0;
  private gate?: Promise<void>;
  private open?: () => void;

  constructor(private readonly inner: ChatService) {}

  /** Makes every following turn wait until release() is called. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async handle(req: ChatRequest): Promise<TurnResult> {
    this.handled.push(req);
    if (this.gate) await this.gate;
    return this.inner.handle(req);
  }

  async greet(conversationId: string, channel: string): Promise<TurnResult> {
    this.greeted += 1;
    if (this.gate) await this.gate;
    return this.inner.greet(conversationId, channel);
  }

  check(situation: unknown) {
    return this.inner.check(situation);
  }

  history(conversationId: string) {
    return this.inner.history(conversationId);
  }
}

export interface Harness {
  url: string;
  service: SpyService;
  sender: RecordingSender;
  logs: string[];
  /** Resolves once `n` requests in total have reached /wechat (counted before the router runs). */
  arrived(n: number): Promise<void>;
  readonly requests: number;
  get(query: URLSearchParams): Promise<{ status: number; body: string }>;
  post(query: URLSearchParams, body: string, contentType?: string): Promise<{ status: number; body: string; type: string }>;
  close(): Promise<void>;
}

/** Starts an app with the router at /wechat over a fresh temporary store. */
export async function startWeChat(opts: { config?: Partial<WeChatConfigInput>; now?: () => number; deps?: Partial<WeChatRouterDeps> } = {}): Promise<Harness> {
  const temp = tempService();
  const service = new SpyService(temp.service);
  const sender = new RecordingSender();
  const logs: string[] = [];
  const app = express();
  let requests = 0;
  let waiters: { n: number; resolve: () => void }[] = [];
  app.use('/wechat', (_req, _res, next) => {
    requests += 1;
    waiters = waiters.filter((w) => (requests >= w.n ? (w.resolve(), false) : true));
    next();
  });
  app.use(
    '/wechat',
    createWeChatRouter(
      service,
      { token: TOKEN, appId: APP_ID, ...opts.config },
      { customerService: sender, now: opts.now ?? (() => NOW_MS), log: (l) => logs.push(l), ...opts.deps },
    ),
  );
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat`;
  return {
    url,
    service,
    sender,
    logs,
    get requests() {
      return requests;
    },
    arrived(n) {
      if (requests >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    async get(query) {
      const res = await fetch(`${url}?${query}`);
      return { status: res.status, body: await res.text() };
    },
    async post(query, body, contentType = 'text/xml') {
      const res = await fetch(`${url}?${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });
      return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      temp.cleanup();
    },
  };
}
