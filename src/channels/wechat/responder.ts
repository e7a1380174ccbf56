/**
 * Runs a message's turn once and decides how its answer reaches the user. WeChat waits 5 s for
 * a passive reply and retries (same MsgId) when it gets none, so:
 * - retries share the first attempt's turn (a bounded, expiring map keyed by MsgId);
 * - a MsgId is claimed before its turn runs (in memory, or in Redis across instances) and
 *   remembered for twice the timestamp window: a retry or replay that finds it claimed but has
 *   no turn to share here (it went to another instance, or came after the minute) gets `success`;
 * - the first message goes in the passive reply, the rest of a long answer via customer service;
 * - a turn slower than replyTimeoutMs is answered `success` now and sent via customer service later.
 * Each answer is delivered exactly one way: once it is deferred, retries also get `success`.
 */
import type { ChatService } from '../../service/types';
import type { CustomerServiceSender } from './customer-service';
import { retryKey, type InboundMessage } from './message';
import { MemoryMsgIdClaims, type MsgIdClaims } from './msg-ids';
import { replyMessages } from './render';
import { RetryCache } from './retry-cache';

/** The fixed texts the channel itself says (from knowledge/messages.yaml). */
export interface WeChatMessages {
  /** The answer to pictures, locations, links … */
  wechatUnsupported: string;
  /** Ends the first message when the rest of an answer follows. */
  wechatLater: string;
  /** Above numbered choices (knowledge/messages.yaml choicesHeading). */
  choicesHeading?: string;
}

/** One message's work, shared by its retries. */
interface Pending {
  /** The messages of the answer, in order. */
  messages: Promise<string[]>;
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
}

const TIMED_OUT = Symbol('timed out');

export class WeChatResponder {
  private readonly pending: RetryCache<Pending>;
  private readonly msgIds: MsgIdClaims;

  constructor(private readonly opts: ResponderOptions) {
    this.pending = new RetryCache({ ttlMs: opts.retryTtlMs ?? 60_000, maxEntries: opts.retryMaxEntries ?? 10_000, now: opts.now });
    this.msgIds = opts.msgIds ?? new MemoryMsgIdClaims({ now: opts.now });
  }

  /** The passive reply's text, or undefined to answer `success` (nothing now, or sent later). */
  async respond(message: InboundMessage): Promise<string | undefined> {
    if (message.action.kind === 'ignore') return undefined;
    const key = retryKey(message);
    let work = this.pending.get(key);
    if (!work) {
      work = { messages: this.claimAndRun(message, key) };
      this.pending.set(key, work);
      // A failed turn may be tried again by WeChat's retry: forget it rather than cache the failure.
      work.messages.catch(() => this.pending.delete(key));
    }
    if (work.delivery === 'deferred') return undefined;

    const outcome = await withTimeout(work.messages, this.opts.replyTimeoutMs);
    // Another attempt may have deferred the answer while this one waited.
    if (isDeferred(work)) return undefined;
    if (outcome === TIMED_OUT) {
      work.delivery = 'deferred';
      work.messages.then(
        (all) => this.sendLater(message.fromUser, all),
        (err: unknown) => this.opts.log(`wechat: turn for ${message.fromUser} failed after the reply timeout: ${describe(err)}`),
      );
      return undefined;
    }
    // Claimed before (another instance's, or an expired local entry's): nothing to answer.
    if (outcome.length === 0) return undefined;
    if (!work.delivery) {
      work.delivery = 'passive';
      if (outcome.length > 1) void this.sendLater(message.fromUser, outcome.slice(1));
    }
    return outcome[0];
  }

  /** The turn's messages if this is the MsgId's first claim, else none; a failed turn gives its claim back. */
  private async claimAndRun(message: InboundMessage, key: string): Promise<string[]> {
    if (!(await this.msgIds.claim(key, this.opts.msgIdTtlSeconds))) {
      this.opts.log(`wechat: ${key} from ${message.fromUser} was already taken on (a retry or a replay); answered success`);
      return [];
    }
    try {
      return await this.run(message);
    } catch (err) {
      await this.msgIds.release(key).catch((e: unknown) => this.opts.log(`wechat: could not release ${key}: ${describe(e)}`));
      throw err;
    }
  }

  /** The answer's messages: the turn's replies rendered as text, or the channel's own sentence. */
  private async run(message: InboundMessage): Promise<string[]> {
    const { service } = this.opts;
    const conversationId = `wechat:${message.fromUser}`;
    const action = message.action;
    switch (action.kind) {
      case 'text':
        return this.render((await service.handle({ conversationId, text: action.text, channel: 'wechat', ...(message.msgId ? { idempotencyKey: message.msgId } : {}) })).replies);
      case 'greet':
        return this.render((await service.greet(conversationId, 'wechat')).replies);
      // Not a turn of the conversation: the picture is checked, never stored.
      case 'image':
        return this.opts.photoCheck ? this.render([{ text: await this.opts.photoCheck(action.picUrl) }]) : [this.opts.messages.wechatUnsupported];
      default:
        return [this.opts.messages.wechatUnsupported];
    }
  }

  private render(replies: Parameters<typeof replyMessages>[0]): string[] {
    return replyMessages(replies, this.opts.messages.wechatLater, undefined, this.opts.messages.choicesHeading);
  }

  /** Sends messages in order through customer service; a failure is logged, the rest skipped. */
  private async sendLater(openId: string, messages: readonly string[]): Promise<void> {
    for (const text of messages) {
      try {
        await this.opts.sender.send(openId, text);
      } catch (err) {
        this.opts.log(`wechat: customer-service message to ${openId} failed: ${describe(err)}`);
        return;
      }
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
