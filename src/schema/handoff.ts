/** knowledge/handoff.yaml: when a conversation is handed to a person, and what the ticket carries. */
import { z } from 'zod';

export const HandoffFile = z
  .object({
    version: z.literal(1),
    /** Words that make a message an explicit complaint, matched in the normalised text (Simplified, half width). */
    complaint: z.array(z.string().trim().min(1, 'must not be empty')).min(1, 'list at least one word'),
    /** A conversation keeps one open ticket: a new trigger within this many minutes of the last ticket adds none. */
    openMinutes: z
      .number()
      .int()
      .positive()
      .max(24 * 60)
      .default(30),
    /** How much of the conversation a ticket carries. */
    summary: z
      .object({
        intents: z.number().int().min(1).max(50).default(8),
        messages: z.number().int().min(1).max(20).default(5),
      })
      .strict()
      .default({}),
  })
  .strict();
export type HandoffFile = z.infer<typeof HandoffFile>;
