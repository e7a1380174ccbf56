/**
 * The analytics behind GET /admin/api/stats, computed from the stored (masked) transcripts and
 * handoff tickets: questions per day, top intents, fallback rate, interview completion, verdict
 * mix and handoffs per day. Days are counted in one time zone (China by default), so a question
 * at 07:00 Beijing time lands on that Beijing day, not on the previous UTC day.
 */
import { HANDOFF_REASONS, type HandoffReason, type HandoffTicket } from '../handoff/types';
import type { ConversationStore, TurnRecord } from '../store/types';

export interface DayCount {
  /** YYYY-MM-DD in the stats' time zone. */
  day: string;
  count: number;
}

export interface AdminStats {
  generatedAt: string;
  timeZone: string;
  conversations: number;
  /** User messages (the assistant's greeting records are not counted). */
  questions: number;
  /** The last `days` days up to today, zero-filled, oldest first. */
  questionsPerDay: DayCount[];
  /**
   * What conversations are about: the intent of each conversation's first question (small talk and
   * messages not understood are skipped), most frequent first. Answers inside an interview or a
   * follow-up are not counted again.
   */
  topIntents: { intent: string; title: string; count: number }[];
  fallback: { count: number; rate: number };
  interviews: { started: number; completed: number; rate: number };
  verdicts: { eligible: number; blocked: number; needs_info: number };
  handoffs: { total: number; byReason: Record<HandoffReason, number>; perDay: DayCount[] };
}

export interface StatsOptions {
  /** The display title of an intent (its answer's title). */
  title?: (intent: string) => string;
  timeZone?: string;
  /** How many days the per-day series cover (default 30). */
  days?: number;
  topIntents?: number;
  /** Turns that are not a question (greetings, thanks): never a conversation's first question. Default: chitchat.* */
  isSmallTalk?: (intent: string) => boolean;
  now?: Date;
}

const DAY_MS = 86400_000;

/** Adds up turns and tickets; `finish` turns the counts into AdminStats. Pure, so tests feed it known data. */
export class StatsTally {
  private conversations = 0;
  private questions = 0;
  private fallbacks = 0;
  private started = 0;
  private completed = 0;
  private readonly perDay = new Map<string, number>();
  private readonly intents = new Map<string, number>();
  private readonly verdicts = { eligible: 0, blocked: 0, needs_info: 0 };
  private readonly tickets: HandoffTicket[] = [];
  private readonly dayOf: (iso: string) => string;

  constructor(private readonly opts: StatsOptions = {}) {
    const format = new Intl.DateTimeFormat('en-CA', { timeZone: opts.timeZone ?? 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
    this.dayOf = (iso) => format.format(new Date(iso));
  }

  addConversation(turns: TurnRecord[]): void {
    if (turns.length) this.conversations++;
    const smallTalk = this.opts.isSmallTalk ?? ((i: string) => i.startsWith('chitchat.'));
    let first = true;
    for (const t of turns) {
      if (t.interview === 'started') this.started++;
      if (t.verdict) {
        this.completed++;
        if (t.verdict.status in this.verdicts) this.verdicts[t.verdict.status]++;
      }
      if (t.text.trim() === '') continue;
      this.questions++;
      bump(this.perDay, this.dayOf(t.at));
      if (t.intent === 'fallback') this.fallbacks++;
      else if (first && !smallTalk(t.intent)) {
        bump(this.intents, t.intent);
        first = false;
      }
    }
  }

  addTicket(ticket: HandoffTicket): void {
    this.tickets.push(ticket);
  }

  finish(): AdminStats {
    const now = this.opts.now ?? new Date();
    const days = this.opts.days ?? 30;
    const title = this.opts.title ?? ((i: string) => i);
    const series = (counts: Map<string, number>): DayCount[] =>
      Array.from({ length: days }, (_, i) => {
        const day = this.dayOf(new Date(now.getTime() - (days - 1 - i) * DAY_MS).toISOString());
        return { day, count: counts.get(day) ?? 0 };
      });
    const ticketDays = new Map<string, number>();
    const byReason = Object.fromEntries(HANDOFF_REASONS.map((r) => [r, 0])) as Record<HandoffReason, number>;
    for (const t of this.tickets) {
      bump(ticketDays, this.dayOf(t.createdAt));
      if (t.reason in byReason) byReason[t.reason]++;
    }
    return {
      generatedAt: now.toISOString(),
      timeZone: this.opts.timeZone ?? 'Asia/Shanghai',
      conversations: this.conversations,
      questions: this.questions,
      questionsPerDay: series(this.perDay),
      topIntents: [...this.intents]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, this.opts.topIntents ?? 10)
        .map(([intent, count]) => ({ intent, title: title(intent), count })),
      fallback: { count: this.fallbacks, rate: ratio(this.fallbacks, this.questions) },
      interviews: { started: this.started, completed: this.completed, rate: ratio(this.completed, this.started) },
      verdicts: { ...this.verdicts },
      handoffs: { total: this.tickets.length, byReason, perDay: series(ticketDays) },
    };
  }
}

/** Most tickets the stats read (far beyond what a help line opens in the retention period). */
const MAX_TICKETS = 100_000;

/** Reads every transcript and ticket of the store once and adds them up. */
export async function computeStats(store: Pick<ConversationStore, 'transcripts' | 'tickets'>, opts: StatsOptions = {}): Promise<AdminStats> {
  const tally = new StatsTally(opts);
  for await (const c of store.transcripts.scan()) tally.addConversation(c.turns);
  for (const t of await store.tickets.list(MAX_TICKETS)) tally.addTicket(t);
  return tally.finish();
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

function ratio(part: number, whole: number): number {
  return whole ? Math.round((part / whole) * 10_000) / 10_000 : 0;
}
