/**
 * The request body as a Bot Framework activity, or the reason it is not one. Checked before the
 * adapter sees it: botbuilder would otherwise throw deep inside (a 500 or an unanswered request).
 */
import type { IncomingMessage } from 'node:http';
import type { Activity } from 'botbuilder';
import getRawBody from 'raw-body';

/** The largest body read when no body parser ran; real activities are a few kilobytes. */
const MAX_BODY_BYTES = 1_000_000;

/** Why a request body is refused, with the HTTP status that says so. */
export class ActivityBodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    reason: string,
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

function requireId(record: Record<string, unknown>, field: string): void {
  const account = record[field];
  if (!isRecord(account)) throw new ActivityBodyError(400, `${field} must be an object with an id`);
  requireString(account, 'id', `${field}.id`);
}

/**
 * Checks the fields a turn cannot do without: the type, where to answer (serviceUrl), and the
 * ids teams-ai needs for its turn state (channel, conversation, sender, recipient).
 */
export function parseActivity(body: unknown): Activity {
  if (!isRecord(body)) throw new ActivityBodyError(400, 'the body must be a JSON object (a Bot Framework activity)');
  requireString(body, 'type');
  requireString(body, 'serviceUrl');
  requireString(body, 'channelId');
  requireId(body, 'conversation');
  requireId(body, 'from');
  requireId(body, 'recipient');
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
