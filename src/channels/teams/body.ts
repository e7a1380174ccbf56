/**
 * The request body as a Bot Framework activity, or the reason it is not one. Checked before the
 * adapter sees it: botbuilder would otherwise throw deep inside (a 500 or an unanswered request).
 */
import type { IncomingMessage } from 'node:http';
import { isIPv4 } from 'node:net';
import type { Activity } from 'botbuilder';
import getRawBody from 'raw-body';
import { choiceFromSubmit } from './cards';
import { EMULATOR_SETTING } from './config';

/** The largest body read when no body parser ran; real activities are a few kilobytes. */
const MAX_BODY_BYTES = 1_000_000;

/** Why a request body is refused, with the HTTP status that says so. */
export class ActivityBodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    reason: string,
    /** The field at fault, as /api/chat names it (`text` for an over-long message). */
    readonly field?: string,
  ) {
    super(reason);
    this.name = 'ActivityBodyError';
  }
}

/** A request as Express (or plain node:http) hands it over; `body` is set by a JSON body parser. */
export type TeamsRequest = IncomingMessage & { body?: unknown };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JSON body: the one a body parser left on `req.body`, or read from the stream when the
 * handler is mounted without one. A non-JSON content type leaves Express's parser with `{}`,
 * so that case is named here instead of surfacing as a puzzling "no type".
 */
export async function readJsonBody(req: TeamsRequest): Promise<unknown> {
  const contentType = String(req.headers['content-type'] ?? '');
  if (req.body !== undefined) {
    if (isRecord(req.body) && Object.keys(req.body).length === 0 && !/json/i.test(contentType)) {
      throw new ActivityBodyError(400, 'the body must be a JSON activity (Content-Type: application/json)');
    }
    return req.body;
  }
  if (req.readableEnded) throw new ActivityBodyError(400, 'the body is empty');
  let raw: string;
  try {
    raw = (await getRawBody(req, { limit: MAX_BODY_BYTES })).toString('utf8');
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw new ActivityBodyError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    throw err;
  }
  if (!raw.trim()) throw new ActivityBodyError(400, 'the body is empty');
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ActivityBodyError(400, 'the body is not valid JSON');
  }
}

function requireString(record: Record<string, unknown>, field: string, path = field): string {
  const value = record[field];
  if (typeof value !== 'string' || !value.trim()) throw new ActivityBodyError(400, `${path} must be a non-empty string`);
  return value;
}

/**
 * An account (from, recipient, conversation) needs its id; its other fields are copied into the
 * reply, whose serializer refuses a wrong type only when the reply is sent (a 500 after the turn).
 */
function requireId(record: Record<string, unknown>, field: string): void {
  const account = record[field];
  if (!isRecord(account)) throw new ActivityBodyError(400, `${field} must be an object with an id`);
  requireString(account, 'id', `${field}.id`);
  for (const name of ['name', 'role', 'aadObjectId', 'conversationType', 'tenantId']) optionalString(account, name, `${field}.${name}`);
  if (account.isGroup !== undefined && account.isGroup !== null && typeof account.isGroup !== 'boolean')
    throw new ActivityBodyError(400, `${field}.isGroup must be true or false`);
}

/** A field that may be absent (or null) but is a string when given. */
function optionalString(record: Record<string, unknown>, field: string, path = field): void {
  const value = record[field];
  if (value !== undefined && value !== null && typeof value !== 'string') throw new ActivityBodyError(400, `${path} must be a string`);
}

/** A field that may be absent but is an array of objects when given; `check` looks at each one. */
function optionalList(record: Record<string, unknown>, field: string, check: (item: Record<string, unknown>, path: string) => void = () => {}): void {
  const value = record[field];
  if (value === undefined) return;
  if (!Array.isArray(value)) throw new ActivityBodyError(400, `${field} must be an array`);
  value.forEach((item: unknown, i) => {
    const path = `${field}[${i}]`;
    if (!isRecord(item)) throw new ActivityBodyError(400, `${path} must be an object`);
    check(item, path);
  });
}

/**
 * An entity needs its type; a mention (which botbuilder reads to strip "<at>bot</at>" from the
 * text) needs the account it mentions and its text, and the message a text to strip it from.
 */
function checkEntity(activity: Record<string, unknown>): (entity: Record<string, unknown>, path: string) => void {
  return (entity, path) => {
    const type = requireString(entity, 'type', `${path}.type`);
    if (type.toLowerCase() !== 'mention') return;
    if (!isRecord(entity.mentioned)) throw new ActivityBodyError(400, `${path}.mentioned must be an object with an id`);
    requireString(entity, 'text', `${path}.text`);
    if (typeof activity.text !== 'string') throw new ActivityBodyError(400, 'text must be a string when the activity has a mention entity');
  };
}

/**
 * Checks the fields a turn cannot do without: the type, where to answer (serviceUrl), and the
 * ids teams-ai needs for its turn state (channel, conversation, sender, recipient); and the shape
 * of the optional fields the turn reads (text, entities, membersAdded, ...), which would
 * otherwise fail inside botbuilder or teams-ai as a 500.
 */
export function parseActivity(body: unknown): Activity {
  if (!isRecord(body)) throw new ActivityBodyError(400, 'the body must be a JSON object (a Bot Framework activity)');
  requireString(body, 'type');
  requireString(body, 'serviceUrl');
  requireString(body, 'channelId');
  requireId(body, 'conversation');
  requireId(body, 'from');
  requireId(body, 'recipient');
  for (const field of ['id', 'replyToId', 'text', 'textFormat', 'locale', 'name']) optionalString(body, field);
  optionalList(body, 'entities', checkEntity(body));
  for (const field of ['membersAdded', 'membersRemoved']) optionalList(body, field, (member, path) => void requireString(member, 'id', `${path}.id`));
  optionalList(body, 'attachments');
  // teams-ai's card-submit route reads value.verb whenever value is not undefined; null means "no value".
  if (body.value === null) delete body.value;
  // botbuilder keeps the wire timestamps and works with Date objects, as its own validator does.
  for (const field of ['timestamp', 'localTimestamp', 'expiration'] as const) {
    const value = body[field];
    if (typeof value === 'string') {
      const raw = `raw${field[0].toUpperCase()}${field.slice(1)}`;
      body[raw] = value;
      body[field] = new Date(value);
    }
  }
  return body as unknown as Activity;
}

/**
 * The user's words are capped as on /api/chat (413, the same reason): the text of a message, and
 * the choice a card button sends back (a forged submit could otherwise carry any length).
 */
export function checkTextLength(activity: Activity, maxTextLength: number): void {
  for (const text of [activity.text, choiceFromSubmit(activity.value)?.choice]) {
    if (typeof text === 'string' && text.length > maxTextLength) throw new ActivityBodyError(413, `text is longer than ${maxTextLength} characters`, 'text');
  }
}

/** Whether a URL names this machine: localhost, 127.0.0.0/8 or ::1 (http or https only). */
export function isLoopbackUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  // WHATWG URL normalises the host: lower case, IPv4 in dotted form (0x7f.1 → 127.0.0.1), IPv6 compressed in brackets.
  const host = parsed.hostname;
  if (host === 'localhost' || host === '[::1]') return true;
  return isIPv4(host) && host.startsWith('127.');
}

/**
 * In emulator mode nobody vouches for the activity, so the bot answers only the Emulator on this
 * machine: a serviceUrl elsewhere would make the server POST wherever a stranger asks.
 */
export function requireLoopbackServiceUrl(activity: Activity): void {
  if (isLoopbackUrl(activity.serviceUrl)) return;
  throw new ActivityBodyError(
    400,
    `serviceUrl must be a loopback address (http://localhost, 127.0.0.0/8 or [::1]) in emulator mode (${EMULATOR_SETTING}=1); set MicrosoftAppId and MicrosoftAppPassword to answer Teams`,
    'serviceUrl',
  );
}
