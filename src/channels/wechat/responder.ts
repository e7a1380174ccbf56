/**
 * Runs a message's turn once and decides how its answer reaches the user. WeChat waits 5 s for
 * a passive reply and retries (same MsgId) when it gets none, so:
 * - retries share the first attempt's turn (a bounded, expiring map keyed by MsgId);
 * - a MsgId is claimed before its turn runs (in memory, or in Redis across instances) and
 *   remembered for twice the timestamp window: a retry or replay that finds it claimed but has
 *   no turn to share here (it went to another instance, or came after the minute) gets `success`;
 * - a long answer is laid out as numbered parts (layout.ts): the first is the passive reply, the
 *   others wait in the page store until the user replies 0 (继续, 下一部分 …), so nothing depends
 *   on the customer-service API;
 * - 转人工 is handed to the live agents with `transfer_customer_service` when they are on duty;
 * - a turn slower than replyTimeoutMs is answered `success` now and its first part sent via
 *   customer service later; if that fails it waits for the user's 0 like any other part.
 * Each answer is delivered exactly one way: once it is deferred, retries also get `success`.
 */
import type { Reply } from '../../engine/types';
import type { ChatService } from '../../service/types';
import type { CustomerServiceSender } from './customer-service';
import { asksForNextPart, asksForNextPartExplicitly, choiceNumber } from './input';
import { layoutReplies } from './layout';
import { retryKey, type InboundMessage } from './message';
import { WECHAT_PART_TEXTS } from './messages';
import { MemoryMsgIdClaims, type MsgIdClaims } from './msg-ids';
import { MemoryPageStore, type PageStore } from './pages';
import { RetryCache } from './retry-cache';

/** The fixed texts the channel itself says (from knowledge/messages.yaml, with defaults for the newer ones). */
export interface WeChatMessages {
  /** The answer to pictures, locations, links … */
  wechatUnsupported: string;
  /** No longer said (the rest of a long answer is paged); accepted so existing callers still compile. */
  wechatLater?: string;
  /** Above numbered choices (knowledge/messages.yaml choicesHeading). */
  choicesHeading?: string;
  /** Ends every part but the last: 回复 0 查看下一部分（{next}/{total}）. */
  wechatNextPart?: string;
  /** Above parts 2…n: （{part}/{total}）. */
  wechatPartHeader?: string;
  /** The answer to 0 (下一部分, 后面的内容没收到) when no part is waiting. */
  wechatNoMoreParts?: string;
}

/** What goes in the passive reply. */
export type PassiveReply = { kind: 'text'; content: string } | { kind: 'transfer' };

/** One message's answer. */
interface Answer {
  /** The text to show now (the first part of a long answer); undefined: nothing (claimed elsewhere). */
  first?: string;
  /** Hand the conversation to the live agents instead of showing `first` (which stays the text for a deferred answer). */
  transfer?: boolean;
}

/** One message's work, shared by its retries. */
interface Pending {
  answer: Promise<Answer>;
  /** How the answer is delivered, fixed by the first attempt that gets to decide. */
  delivery?: 'passive' | 'deferred';
}

export interface ResponderOptions {
  service: ChatService;
  sender: CustomerServiceSender;
  messages: WeChatMessages;
  replyTimeoutMs: number;
  now: () => number;
  log: (line: string) => void;
  /** How long a message is remembered for its retries (WeChat retries within ~15 s). */
  retryTtlMs?: number;
  retryMaxEntries?: number;
  /** Where MsgIds are claimed. Default: in this process's memory. */
  msgIds?: MsgIdClaims;
  /** How long a claimed MsgId is remembered (seconds). */
  msgIdTtlSeconds: number;
  /** Answers a picture (by its PicUrl) with the ID-photo check; without it pictures get `wechatUnsupported`. */
  photoCheck?: (picUrl: string) => Promise<string>;
  /** Where the waiting parts of long answers are kept. Default: in this process's memory. */
  pages?: PageStore;
  /** Live agents are on duty: 转人工 is answered with transfer_customer_service. */
  liveAgents?: boolean;
  /** Largest passive reply in UTF-8 bytes (default PASSIVE_TEXT_MAX_BYTES). */
  maxBytes?: number;
}

const TIMED_OUT = Symbol('timed out');

export class WeChatResponder {
  private readonly pending: RetryCache<Pending>;
  private readonly msgIds: MsgIdClaims;
  private readonly pages: PageStore;
  private readonly texts: Required<Pick<WeChatMessages, 'wechatNextPart' | 'wechatPartHeader' | 'wechatNoMoreParts'>>;
  /** Per user, the work in progress: a user's messages are handled one after another (parts are read and moved on). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: ResponderOptions) {
    this.pending = new RetryCache({ ttlMs: opts.retryTtlMs ?? 60_000, maxEntries: opts.retryMaxEntries ?? 10_000, now: opts.now });
    this.msgIds = opts.msgIds ?? new MemoryMsgIdClaims({ now: opts.now });
    this.pages = opts.pages ?? new MemoryPageStore({ now: opts.now });
    const m = opts.messages;
    this.texts = {
      wechatNextPart: m.wechatNextPart ?? WECHAT_PART_TEXTS.wechatNextPart,
      wechatPartHeader: m.wechatPartHeader ?? WECHAT_PART_TEXTS.wechatPartHeader,
      wechatNoMoreParts: m.wechatNoMoreParts ?? WECHAT_PART_TEXTS.wechatNoMoreParts,
    };
  }

  /** The passive reply, or undefined to answer `success` (nothing now, or sent later). */
  async respond(message: InboundMessage): Promise<PassiveReply | undefined> {
    if (message.action.kind === 'ignore') return undefined;
    const key = retryKey(message);
    let work = this.pending.get(key);
    if (!work) {
      work = { answer: this.claimAndRun(message, key) };
      this.pending.set(key, work);
      // A failed turn may be tried again by WeChat's retry: forget it rather than cache the failure.
      work.answer.catch(() => this.pending.delete(key));
    }
    if (work.delivery === 'deferred') return undefined;

    const outcome = await withTimeout(work.answer, this.opts.replyTimeoutMs);
    // Another attempt may have deferred the answer while this one waited.
    if (isDeferred(work)) return undefined;
    if (outcome === TIMED_OUT) {
      work.delivery = 'deferred';
      work.answer.then(
        (answer) => this.sendLater(message.fromUser, key, answer),
        (err: unknown) => this.opts.log(`wechat: turn for ${message.fromUser} failed after the reply timeout: ${describe(err)}`),
      );
      return undefined;
    }
    // Claimed before (another instance's, or an expired local entry's): nothing to answer.
    if (outcome.first === undefined && !outcome.transfer) return undefined;
    work.delivery ??= 'passive';
    return outcome.transfer ? { kind: 'transfer' } : { kind: 'text', content: outcome.first ?? '' };
  }

  /** The turn's answer if this is the MsgId's first claim, else none; a failed turn gives its claim back. */
  private async claimAndRun(message: InboundMessage, key: string): Promise<Answer> {
    if (!(await this.msgIds.claim(key, this.opts.msgIdTtlSeconds))) {
      this.opts.log(`wechat: ${key} from ${message.fromUser} was already taken on (a retry or a replay); answered success`);
      return {};
    }
    try {
      return await this.inTurn(message.fromUser, () => this.run(message, key));
    } catch (err) {
      await this.msgIds.release(key).catch((e: unknown) => this.opts.log(`wechat: could not release ${key}: ${describe(e)}`));
      throw err;
    }
  }

  /** Runs `task` after the user's earlier messages are done. */
  private inTurn<T>(openId: string, task: () => Promise<T>): Promise<T> {
    const before = this.queues.get(openId) ?? Promise.resolve();
    const mine = before.then(task, task);
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(openId, settled);
    void settled.then(() => {
      if (this.queues.get(openId) === settled) this.queues.delete(openId);
    });
    return mine;
  }

  /** The answer: the next waiting part, the turn's replies laid out as parts, or the channel's own sentence. */
  private async run(message: InboundMessage, key: string): Promise<Answer> {
    const { service } = this.opts;
    const openId = message.fromUser;
    const conversationId = `wechat:${openId}`;
    const action = message.action;
    switch (action.kind) {
      case 'text': {
        const waiting = await this.pages.get(openId);
        if (waiting && waiting.next < waiting.parts.length && asksForNextPart(action.text)) return { first: await this.nextPart(openId, waiting) };
        // Not a question for the assistant (0 is no choice): say that nothing is waiting.
        if (asksForNextPartExplicitly(action.text)) return { first: this.texts.wechatNoMoreParts };
        const text = choiceNumber(action.text) ?? action.text;
        const result = await service.handle({ conversationId, text, channel: 'wechat', ...(message.msgId ? { idempotencyKey: message.msgId } : {}) });
        if (this.opts.liveAgents === true && result.intent === 'handoff.human') {
          // The agents take over: nothing of the hotline text waits for "0" (it is only sent if the turn was too slow to transfer).
          if (waiting) await this.pages.delete(openId);
          return { first: this.layout(result.replies)[0], transfer: true };
        }
        return { first: await this.keep(openId, key, result.replies, waiting !== undefined) };
      }
      case 'greet':
        return { first: await this.keep(openId, key, (await service.greet(conversationId, 'wechat')).replies, true) };
      // Not a turn of the conversation: the picture is checked, never stored (an answer's waiting parts stay).
      case 'image':
        return {
          first: this.opts.photoCheck
            ? await this.keep(openId, key, [{ text: await this.opts.photoCheck(action.picUrl) }], false)
            : this.opts.messages.wechatUnsupported,
        };
      default:
        return { first: this.opts.messages.wechatUnsupported };
    }
  }

  private layout(replies: readonly Reply[]): string[] {
    return layoutReplies(replies, {
      texts: { nextPart: this.texts.wechatNextPart, partHeader: this.texts.wechatPartHeader },
      choicesHeading: this.opts.messages.choicesHeading,
      maxBytes: this.opts.maxBytes,
    });
  }

  /** Lays the replies out; the parts after the first wait for "0" (replacing older ones when `replace`). Returns the first part. */
  private async keep(openId: string, key: string, replies: readonly Reply[], replace: boolean): Promise<string | undefined> {
    const parts = this.layout(replies);
    if (parts.length > 1) await this.pages.set(openId, { parts, next: 1, key });
    else if (replace) await this.pages.delete(openId);
    return parts[0];
  }

  /** The waiting part, moving on to the one after it. */
  private async nextPart(openId: string, waiting: { parts: string[]; next: number; key: string }): Promise<string> {
    const part = waiting.parts[waiting.next];
    if (waiting.next + 1 < waiting.parts.length) await this.pages.set(openId, { ...waiting, next: waiting.next + 1 });
    else await this.pages.delete(openId);
    return part;
  }

  /**
   * Sends a deferred answer's first part through customer service. If that fails (no AppSecret,
   * an unverified account, the 48-hour window), the answer waits for the user's "0" instead.
   */
  private async sendLater(openId: string, key: string, answer: Answer): Promise<void> {
    if (answer.first === undefined) return;
    try {
      await this.opts.sender.send(openId, answer.first);
    } catch (err) {
      this.opts.log(`wechat: customer-service message to ${openId} failed: ${describe(err)}; it waits for the user to reply 0`);
      const first = answer.first;
      await this.inTurn(openId, async () => {
        const waiting = await this.pages.get(openId);
        // A newer message's answer is waiting already: that one is what the user will ask for.
        if (waiting && waiting.key !== key) return;
        await this.pages.set(openId, waiting ? { ...waiting, next: 0 } : { parts: [first], next: 0, key });
      }).catch((e: unknown) => this.opts.log(`wechat: could not keep the answer for ${openId}: ${describe(e)}`));
    }
  }
}

function isDeferred(work: Pending): boolean {
  return work.delivery === 'deferred';
}

/** `promise`'s value, or TIMED_OUT when it takes longer than `ms` (its rejection passes through). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(resolve, ms, TIMED_OUT)));
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** One line about an error, never a stack (logs may be shown to operators verbatim). */
function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
