/**
 * Handoff tickets in the embedded store: one JSON-lines file per conversation, so deleting the
 * conversation removes its tickets. A ticket is one small append (O_APPEND): concurrent tickets of
 * other conversations touch other files; a line cut short by a crash is ended before the next one.
 */
import type { HandoffTicket } from '../../handoff/types';
import { newestFirst, type TicketStore } from '../types';
import type { ConversationFiles } from './files';
import { appendLines, readJsonLines } from './json-lines';

export class LowdbTickets implements TicketStore {
  constructor(
    private readonly files: ConversationFiles,
    /** Start-up recovery, which moves ticket files of the old naming scheme first. */
    private readonly recovered: Promise<void>,
    private readonly fsync: boolean,
  ) {}

  async save(ticket: HandoffTicket): Promise<void> {
    await this.recovered;
    await appendLines(this.files.handoffPath(ticket.conversationId), `${JSON.stringify(ticket)}\n`, this.fsync);
  }

  async list(limit: number, conversationId?: string): Promise<HandoffTicket[]> {
    await this.recovered;
    const tickets: HandoffTicket[] = [];
    for (const f of await this.files.handoffFiles(conversationId)) tickets.push(...(await readJsonLines<HandoffTicket>(f)));
    return newestFirst(tickets).slice(0, Math.max(0, limit));
  }
}
