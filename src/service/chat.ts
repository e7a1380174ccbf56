/**
 * The chat service: loads a conversation, runs the engine's turn, stores the masked turn.
 * Turns of one conversation are serialised so concurrent messages never lose an update.
 */
import type { Assistant } from '../engine/assistant';
import { newConversationState, plainReply, type ConversationState, type TurnResult } from '../engine/types';
import { maskPersonalData } from '../privacy/mask';
import { checkEligibility } from '../rules/check';
import { parseSituation } from '../rules/situation';
import type { ConversationStore, TurnRecord } from '../store/types';
import type { ChatRequest, ChatService } from './types';

/**
 * Something that reacts to a stored turn (handoff tickets, the missed-questions log). It runs
 * after the turn is stored, inside the conversation's exclusive section; its failure is logged,
 * never shown to the user.
 */
export type TurnObserver = (event: { req: ChatRequest; record: TurnRecord; result: TurnResult; previous: ConversationState | undefined }) => Promise<void> | void;

export class AssistantChatService implements ChatService {
  private readonly observers: TurnObserver[] = [];

  constructor(
    private current: Assistant,
    readonly store: ConversationStore,
    private readonly log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  ) {}

  /** The assistant answering now (replaced by a knowledge reload). */
  get assistant(): Assistant {
    return this.current;
  }

  /** Swaps in an assistant built from reloaded knowledge; turns already running finish on the old one. */
  replaceAssistant(next: Assistant): void {
    this.current = next;
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

  handle(req: ChatRequest): Promise<TurnResult> {
    return this.store.exclusive(req.conversationId, async () => {
      const state = await this.store.getState(req.conversationId);
      const result = this.assistant.turn(state ?? newConversationState(), { text: req.text, channel: req.channel, now: req.now });
      const turn = record(req, result, state);
      await this.store.append(req.conversationId, result.state, turn);
      await this.notify(req, turn, result, state);
      return result;
    });
  }

  greet(conversationId: string, channel: string): Promise<TurnResult> {
    return this.store.exclusive(conversationId, async () => {
      const state = await this.store.getState(conversationId);
      const result = this.assistant.greet(state ?? newConversationState());
      await this.store.append(conversationId, result.state, record({ conversationId, channel, text: '' }, result));
      return result;
    });
  }

  check(situation: unknown) {
    const k = this.assistant.knowledge;
    return checkEligibility(parseSituation(situation, k.regions), k.rules);
  }

  async history(conversationId: string) {
    const stored = await this.store.export(conversationId);
    return (stored?.turns ?? []).map((t) => ({ at: t.at, text: t.text, replies: t.replies }));
  }
}

/** The masked transcript entry of a turn: personal data never reaches the store. */
function record(req: ChatRequest, result: TurnResult, previous?: ConversationState): TurnRecord {
  // Interview start and verdict (codes only) let the analytics count completed interviews.
  const started = !previous?.interview && (result.state.interview !== undefined || result.verdict !== undefined);
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
