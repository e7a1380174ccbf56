/**
 * The chat service: loads a conversation, runs the engine's turn, stores the masked turn.
 * Turns of one conversation are serialised so concurrent messages never lose an update.
 */
import { createHash } from 'node:crypto';
import type { Assistant } from '../engine/assistant';
import { EngineThread, EngineThreadDown } from '../engine/thread';
import { newConversationState, plainReply, type ConversationState, type TurnEvent, type TurnResult } from '../engine/types';
import { activeInterview } from '../engine/state';
import { maskPersonalData } from '../privacy/mask';
import { isComplaint } from '../handoff/reason';
import { checkEligibility } from '../rules/check';
import { parseSituation } from '../rules/situation';
import type { ConversationStore, TurnRecord } from '../store/types';
import type { ChatRequest, ChatResult, ChatService } from './types';

/** Idempotency keys remembered per conversation (the newest ones), each for at most IDEMPOTENCY_TTL_MS. */
export const IDEMPOTENCY_KEYS_KEPT = 10;
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** The reply to a keyed turn, kept to answer a retry of it. */
interface KeyedReply {
  key: string;
  at: string;
  result: Omit<TurnResult, 'state'>;
}

/**
 * The state as stored: the engine's state plus the replies to the last keyed turns. Keeping them
 * in the state needs nothing new from either store, stores the key in the same write as its turn
 * (a turn stored is a key remembered, even across a crash), and on Redis is read under the
 * conversation's lock, so a retry reaching another instance meanwhile waits and then replays.
 * The engine never sees the field.
 */
type StoredState = ConversationState & { idempotency?: KeyedReply[] };

/**
 * Something that reacts to a stored turn (handoff tickets, the missed-questions log). It runs
 * after the turn is stored, inside the conversation's exclusive section; its failure is logged,
 * never shown to the user.
 */
export type TurnObserver = (event: {
  req: ChatRequest;
  record: TurnRecord;
  result: TurnResult;
  previous: ConversationState | undefined;
}) => Promise<void> | void;

export interface ChatServiceOptions {
  log?: (line: string) => void;
  /**
   * Runs the engine's turns on this thread (same knowledge as the assistant). If the thread fails,
   * turns fall back to the assistant on this thread, so users still get answers.
   */
  thread?: EngineThread;
  /**
   * Complaint words (knowledge/handoff.yaml): a complaint that was answered on its content
   * (破系统，三个礼拜了还没批下来) also gets an apology and the way to a person.
   */
  complaintWords?: readonly string[];
}

export class AssistantChatService implements ChatService {
  private readonly observers: TurnObserver[] = [];
  private readonly log: (line: string) => void;
  private thread: EngineThread | undefined;
  private readonly complaintWords: readonly string[];

  constructor(
    private current: Assistant,
    readonly store: ConversationStore,
    opts: ChatServiceOptions = {},
  ) {
    this.log = opts.log ?? ((l) => process.stderr.write(`${l}\n`));
    this.thread = opts.thread;
    this.complaintWords = opts.complaintWords ?? [];
  }

  /** The assistant answering now (replaced by a knowledge reload). */
  get assistant(): Assistant {
    return this.current;
  }

  /**
   * Swaps in an assistant built from reloaded knowledge; turns already running finish on the old
   * one. An engine thread is replaced by a new one on the same knowledge: turns from now on wait
   * for it, so no answer comes from the old knowledge after the reload returns.
   */
  replaceAssistant(next: Assistant): void {
    this.current = next;
    if (this.thread) {
      const old = this.thread;
      this.thread = new EngineThread(next.knowledge.root);
      void old.stop();
    }
  }

  /** Whether turns go to an engine thread (AssistantHost: a reload need not train on this thread). */
  get turnsOnThread(): boolean {
    return this.thread !== undefined;
  }

  /** Stops the engine thread, if any, after its turns. */
  async close(): Promise<void> {
    await this.thread?.stop();
  }

  private async threadTurn(thread: EngineThread, state: ConversationState, event: TurnEvent): Promise<TurnResult> {
    try {
      return await thread.turn(state, event);
    } catch (err) {
      if (!(err instanceof EngineThreadDown)) throw err;
      if (this.thread === thread) {
        this.thread = undefined;
        this.log(`${err.message}; turns run on the main thread from now on`);
      }
      return this.assistant.turn(state, event);
    }
  }

  /** Adds an observer of every stored turn. */
  observe(observer: TurnObserver): this {
    this.observers.push(observer);
    return this;
  }

  private async notify(req: ChatRequest, record: TurnRecord, result: TurnResult, previous: ConversationState | undefined): Promise<void> {
    for (const o of this.observers) {
      try {
        await o({ req, record, result, previous });
      } catch (err) {
        this.log(`turn observer failed: ${(err as Error).message}`);
      }
    }
  }

  /** Adds the apology and the hotline to the reply to a complaint that does not carry the hotline yet. */
  private withComplaintReply(text: string, result: TurnResult): TurnResult {
    const { messages } = this.assistant.knowledge;
    if (!this.complaintWords.length || !isComplaint(text, this.complaintWords) || result.replies.some((r) => r.text.includes(messages.hotline))) return result;
    return { ...result, replies: [...result.replies, { text: `${messages.complaint}\n${messages.hotline}` }] };
  }

  handle(req: ChatRequest): Promise<ChatResult> {
    return this.store.conversations.exclusive(req.conversationId, async () => {
      const now = req.now ?? new Date();
      const { state, keyed } = splitState(await this.store.conversations.read(req.conversationId), now);
      const key = typeof req.idempotencyKey === 'string' && req.idempotencyKey ? storedKey(req.idempotencyKey) : undefined;
      const seen = key === undefined ? undefined : keyed.find((k) => k.key === key);
      // A retry of a stored turn: the same reply, nothing stored, no observer runs again.
      if (seen) return { ...seen.result, state: state ?? newConversationState(), replayed: true as const };
      const from = state ?? newConversationState();
      // A click on an old card: the question it answered has moved on.
      if (req.choiceOfTurn !== undefined && req.choiceOfTurn !== from.turns) return this.staleChoice(from);
      const event = { text: req.text, channel: req.channel, now: req.now };
      const result = this.withComplaintReply(req.text, this.thread ? await this.threadTurn(this.thread, from, event) : this.assistant.turn(from, event));
      const turn = record(req, result, state);
      const { state: _next, ...reply } = result;
      const kept = key === undefined ? keyed : [...keyed, { key, at: now.toISOString(), result: reply }].slice(-IDEMPOTENCY_KEYS_KEPT);
      await this.store.conversations.write(req.conversationId, withKeyed(result.state, kept), turn);
      await this.notify(req, turn, result, state);
      return result;
    });
  }

  /** Says a clicked choice belongs to an earlier question and offers the current choices; nothing is run or stored. */
  private staleChoice(state: ConversationState): ChatResult {
    const choices = state.choices.map((c) => c.label);
    const text = this.assistant.knowledge.messages.staleChoice;
    return { state, intent: state.lastIntent ?? 'fallback', confidence: 1, replies: [choices.length ? { text, choices } : { text }], sources: [], stale: true };
  }

  greet(conversationId: string, channel: string): Promise<TurnResult> {
    return this.store.conversations.exclusive(conversationId, async () => {
      const { state, keyed } = splitState(await this.store.conversations.read(conversationId), new Date());
      const result = this.assistant.greet(state ?? newConversationState());
      await this.store.conversations.write(conversationId, withKeyed(result.state, keyed), record({ conversationId, channel, text: '' }, result));
      return result;
    });
  }

  check(situation: unknown) {
    const k = this.assistant.knowledge;
    return checkEligibility(parseSituation(situation, k.regions), k.rules);
  }

  async history(conversationId: string) {
    const turns = await this.store.transcripts.read(conversationId);
    return turns.map((t) => ({ at: t.at, text: t.text, replies: t.replies }));
  }
}

/** The engine's state and the keyed replies still fresh at `now`. */
function splitState(stored: StoredState | undefined, now: Date): { state: ConversationState | undefined; keyed: KeyedReply[] } {
  if (!stored?.idempotency) return { state: stored, keyed: [] };
  const { idempotency, ...state } = stored;
  const since = now.getTime() - IDEMPOTENCY_TTL_MS;
  return { state, keyed: idempotency.filter((k) => Date.parse(k.at) > since) };
}

function withKeyed(state: ConversationState, keyed: KeyedReply[]): StoredState {
  return keyed.length ? { ...state, idempotency: keyed } : state;
}

/** Keys are stored as given up to 128 characters; a longer one (from a channel) by its hash. */
function storedKey(key: string): string {
  return key.length <= 128 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** The masked transcript entry of a turn: personal data never reaches the store. */
function record(req: ChatRequest, result: TurnResult, previous?: ConversationState): TurnRecord {
  // Interview start and verdict (codes only) let the analytics count completed interviews.
  const started = !activeInterview(previous) && (activeInterview(result.state) !== undefined || result.verdict !== undefined);
  const v = result.verdict;
  return {
    at: (req.now ?? new Date()).toISOString(),
    channel: req.channel,
    text: maskPersonalData(req.text),
    intent: result.intent,
    confidence: result.confidence,
    replies: result.replies.map(plainReply),
    ...(started ? { interview: 'started' as const } : {}),
    ...(v ? { verdict: { status: v.status, blockers: v.blockers.map((b) => b.code), missing: [...v.missing] } } : {}),
  };
}
