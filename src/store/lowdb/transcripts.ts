/**
 * The transcript log of the embedded store: each conversation's JSON-lines transcript file, plus
 * its turns still in the journal. Transcript lines carry their journal position, so a turn applied
 * twice (a crash between a checkpoint's writes and the segment's removal) is read once.
 */
import type { TranscriptLog, ConversationTranscript, TurnRecord } from '../types';
import type { LowdbConversations } from './conversations';
import type { ConversationFiles } from './files';
import { readJsonLines } from './json-lines';
import { positionKey } from './journal';

/** A transcript line: the turn and, when it came through the journal, its position. */
type TranscriptLine = TurnRecord & { j?: string };

export class LowdbTranscripts implements TranscriptLog {
  constructor(
    private readonly files: ConversationFiles,
    private readonly conversations: LowdbConversations,
  ) {}

  async read(conversationId: string): Promise<TurnRecord[]> {
    await this.conversations.recovered;
    const rows = await readJsonLines<TranscriptLine>(this.files.transcriptPath(conversationId));
    const inJournal = this.conversations.journaledTurns(conversationId);
    return turnsOnce([...rows, ...inJournal.map(({ json, position }) => ({ ...(JSON.parse(json) as TurnRecord), j: positionKey(position) }))]);
  }

  async *scan(): AsyncIterable<ConversationTranscript> {
    await this.conversations.flush();
    for await (const { conversationId, path } of this.files.transcriptFiles()) {
      yield { conversationId, turns: turnsOnce(await readJsonLines<TranscriptLine>(path)) };
    }
  }
}

/** Transcript lines without their journal positions, a turn applied twice kept once. */
function turnsOnce(rows: TranscriptLine[]): TurnRecord[] {
  const seen = new Set<string>();
  const turns: TurnRecord[] = [];
  for (const { j, ...turn } of rows) {
    if (j !== undefined) {
      if (seen.has(j)) continue;
      seen.add(j);
    }
    turns.push(turn);
  }
  return turns;
}
