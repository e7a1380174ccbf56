/**
 * The server's structured log: one JSON object per line (pino), with `level` as a word, an ISO
 * `time`, and personal data masked in every line.
 *
 * Masking is done on the values, not on the finished line (a finished line also holds numbers such
 * as times that must stay as they are): every string of a logged object, of a child logger's
 * bindings and the message itself go through maskPersonalData (src/privacy/mask.ts); the values
 * that serializers turn into objects (a request, a response, an error) are masked after they are
 * serialized. So no message, URL query, header value chosen by a client (X-Request-Id) or body
 * field can carry an ID-card or phone number into a log. Numbers stay numbers: fields that hold a
 * fraction are rounded before they are logged (see `rounded`), as a long run of digits with a dot
 * could otherwise read as a phone number once the line is parsed back.
 *
 * JIANLI_LOG_LEVEL picks the least severe level written (default info); tests pass a destination
 * stream (or a function receiving each line) instead of standard output.
 */
import { pino, stdSerializers, stdTimeFunctions, type DestinationStream, type LevelWithSilent, type Logger, type LoggerOptions } from 'pino';
import { maskPersonalData } from '../privacy/mask';

export type { Logger } from 'pino';

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** JIANLI_LOG_LEVEL: one of LOG_LEVELS (default info); anything else stops start-up naming the setting. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env, name = 'JIANLI_LOG_LEVEL'): LevelWithSilent {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new Error(`${name} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env[name])}`);
  return raw as LevelWithSilent;
}

/** Deeper than this, a logged object is cut off (a log line is no place for a whole document). */
const MAX_DEPTH = 8;

/**
 * A string that is masked already, or made by the server with nothing personal in it (a request
 * id it generated): logged as it is, not masked again. Masking costs microseconds per string
 * with digits in it, and a request writes several lines.
 */
export class MaskedText {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

/** `text` masked once, to be logged without masking it again. */
export function premasked(text: string): MaskedText {
  return new MaskedText(maskPersonalData(text));
}

/**
 * Strings seen to hold nothing to mask (paths, messages, intents repeat on every request): not
 * scanned again. Only such strings are kept, never one with personal data in it.
 */
const clean = new Set<string>();
const CLEAN_KEPT = 2000;

function maskString(text: string): string {
  if (clean.has(text)) return text;
  const masked = maskPersonalData(text);
  if (masked === text && text.length <= 256) {
    if (clean.size >= CLEAN_KEPT) clean.clear();
    clean.add(text);
  }
  return masked;
}

/**
 * `value` with every string in it masked: plain objects and arrays are copied, errors serialized
 * (type, message, stack, masked), other objects read as JSON.stringify would read them.
 */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskString(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof MaskedText) return value.text;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  if (value instanceof Error) return maskDeep(stdSerializers.err(value), depth + 1);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    const json: unknown = toJSON.call(value);
    return json === value ? '[…]' : maskDeep(json, depth + 1);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = maskDeep((value as Record<string, unknown>)[key], depth + 1);
  return out;
}

/** Masks each field of a logged object or of bindings, except those a serializer turns into a masked object later. */
function maskFields(obj: Record<string, unknown>, serialized: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) out[key] = serialized.has(key) ? obj[key] : maskDeep(obj[key]);
  return out;
}

/** A serializer whose output is masked. */
export function masked<T>(serializer: (value: T) => unknown): (value: T) => unknown {
  return (value) => maskDeep(serializer(value));
}

/** A number rounded to `digits` decimals (latencies, confidences). */
export function rounded(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * The serializers of the keys a request's lines use; each masks what it keeps. Every logger of
 * the server has them (the request logger too), so the formatter leaves these keys to them.
 */
export const serializers = {
  req: masked((req: { method?: string; url?: string } | undefined) => ({ method: req?.method, url: req?.url })),
  res: masked((res: { statusCode?: number } | undefined) => ({ statusCode: res?.statusCode })),
  err: masked(stdSerializers.err),
};
const SERIALIZED = new Set(Object.keys(serializers));

export interface LoggerSettings {
  /** Default: info. */
  level?: LevelWithSilent;
  /** Where the lines go: a stream (anything with write()), or a function receiving each line without its newline. Default: standard output. */
  destination?: DestinationStream | ((line: string) => void);
}

/** The server's logger (see the top of this file). */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const serialized = SERIALIZED;
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    timestamp: stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => maskFields(bindings, serialized),
      log: (obj) => maskFields(obj, serialized),
    },
    serializers: {
      ...serializers,
      // The message (pino applies the serializer of its message key to it).
      msg: (m: unknown) => maskDeep(m),
    },
  };
  const d = settings.destination;
  const stream: DestinationStream | undefined = typeof d === 'function' ? { write: (s: string) => d(s.endsWith('\n') ? s.slice(0, -1) : s) } : d;
  const logger = stream ? pino(options, stream) : pino(options);
  // pino formats only the root's bindings: a child's (a request id a client chose) are masked here.
  // Children inherit this method (pino makes each child with Object.create), so theirs are too.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, maskFields(bindings, serialized), childOptions);
  } as Logger['child'];
  return logger;
}

/** A `(line) => void` log for code that takes one (the webhook, WeChat, knowledge reloads), writing at `level`. */
export function lineLog(logger: Logger, level: 'info' | 'warn' | 'error' = 'info'): (line: string) => void {
  return (line) => logger[level](line);
}
