/**
 * Adaptive Cards for replies with choices. Every word on a card comes from the service's reply;
 * the card only lays it out and turns each choice into a button.
 */
import { CardFactory, type Attachment } from 'botbuilder';

/**
 * Schema 1.4: the newest version every Teams client (desktop, web, mobile) and the Emulator
 * render; nothing here needs 1.5.
 */
export const CARD_VERSION = '1.4';

/** The `verb` teams-ai routes submits by (its default actionSubmitFilter is the `verb` field). */
export const CHOICE_VERB = 'jianli.choice';

/** What an Action.Submit button of a choice posts back as the activity's `value`. */
export interface ChoiceSubmitData {
  verb: typeof CHOICE_VERB;
  /** The choice's label exactly as the service offered it, sent back as the user's message. */
  jianliChoice: string;
  /** The conversation's turn count when the choice was offered: a click on an older card is stale. */
  askedAt?: number;
}

/**
 * The button's data. In Teams a messageBack shows the label in the chat as the user's own message
 * (displayText) and sends `value`; other clients (the Emulator, Web Chat) post the data itself.
 */
export interface ChoiceButtonData extends ChoiceSubmitData {
  msteams: { type: 'messageBack'; displayText: string; text: string; value: ChoiceSubmitData };
}

export interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  spacing?: 'None' | 'Small' | 'Medium';
  weight?: 'Bolder';
  size?: 'Medium';
  color?: 'Good' | 'Attention' | 'Warning';
  isSubtle?: boolean;
}

export interface SubmitAction {
  type: 'Action.Submit';
  title: string;
  data: ChoiceButtonData;
}

export interface Container {
  type: 'Container';
  items: CardElement[];
  style?: 'good' | 'attention' | 'warning' | 'emphasis';
  spacing?: 'None' | 'Small' | 'Medium';
  separator?: boolean;
}

export type CardElement = TextBlock | Container;

export interface AdaptiveCardContent {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: CardElement[];
  actions?: SubmitAction[];
  /** What a client that cannot render the card shows instead. */
  fallbackText?: string;
}

/**
 * One TextBlock per line. A single "\n" inside a TextBlock is markdown and Teams joins such
 * lines, so each line gets its own block; a blank line becomes a larger gap before the next.
 */
export function textBlocks(text: string, extra: Partial<Omit<TextBlock, 'type' | 'text' | 'wrap'>> = {}): TextBlock[] {
  const blocks: TextBlock[] = [];
  let gap = false;
  for (const line of text.split('\n')) {
    if (!line.trim()) {
      gap = blocks.length > 0;
      continue;
    }
    blocks.push({ type: 'TextBlock', text: line, wrap: true, ...extra, spacing: blocks.length === 0 ? extra.spacing : gap ? 'Medium' : 'None' });
    gap = false;
  }
  return blocks;
}

/** One Action.Submit per choice; its data carries the label back unchanged, and when it was offered. */
export function choiceActions(choices: string[], askedAt?: number): SubmitAction[] {
  return choices.map((choice) => {
    const value: ChoiceSubmitData = { verb: CHOICE_VERB, jianliChoice: choice, ...(askedAt !== undefined ? { askedAt } : {}) };
    return { type: 'Action.Submit', title: choice, data: { ...value, msteams: { type: 'messageBack', displayText: choice, text: choice, value } } };
  });
}

export function adaptiveCard(body: CardElement[], choices: string[] = [], fallbackText?: string, askedAt?: number): AdaptiveCardContent {
  const card: AdaptiveCardContent = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
  };
  if (choices.length) card.actions = choiceActions(choices, askedAt);
  if (fallbackText) card.fallbackText = fallbackText;
  return card;
}

/** A reply with choices: its text, then one button per choice. */
export function choiceCard(text: string, choices: string[], askedAt?: number): Attachment {
  const fallback = [text, ...choices.map((c, i) => `${i + 1}. ${c}`)].join('\n');
  return CardFactory.adaptiveCard(adaptiveCard(textBlocks(text), choices, fallback, askedAt));
}

/** The choice carried by a submit, when the submit is one of ours, and when it was offered. */
export function choiceFromSubmit(value: unknown): { choice: string; askedAt?: number } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const data = value as Partial<Record<keyof ChoiceSubmitData, unknown>>;
  const choice = data.jianliChoice;
  if (typeof choice !== 'string' || !choice.trim()) return undefined;
  const askedAt = typeof data.askedAt === 'number' && Number.isInteger(data.askedAt) && data.askedAt >= 0 ? data.askedAt : undefined;
  return { choice, ...(askedAt !== undefined ? { askedAt } : {}) };
}
