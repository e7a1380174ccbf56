/**
 * The photo check for WeChat image messages: fetch the picture from its PicUrl, check it, and
 * answer in one text (WeChat shows no lists, so each check is a ✓/✗ line). The WeChat router only
 * sees `(picUrl) => Promise<string>`, so the channel stays free of image code and tests can
 * replace the download.
 */
import { checkIdPhoto, describeLimit, type PhotoCheckResult } from './check';
import { PhotoInputError } from './errors';
import { PHOTO_MAX_UPLOAD_BYTES } from './http';
import { defaultPhotoRules, fill, type PhotoRules } from './rules';

/** Downloads a picture's bytes. Production: GET PicUrl; tests pass their own. */
export type PictureFetcher = (url: string) => Promise<Buffer>;

/** The picture is larger than we are willing to read. */
export class PictureTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`picture is larger than ${maxBytes} bytes`);
    this.name = 'PictureTooLargeError';
  }
}

/**
 * GETs `url` (WeChat's PicUrl, an https address on its image CDN), reading at most `maxBytes`
 * and giving up after `timeoutMs`. Throws on a non-2xx answer, a timeout or a too-large body.
 */
export function httpPictureFetcher(opts: { timeoutMs?: number; maxBytes?: number } = {}): PictureFetcher {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxBytes = opts.maxBytes ?? PHOTO_MAX_UPLOAD_BYTES;
  return async (url) => {
    const { protocol } = new URL(url);
    if (protocol !== 'https:' && protocol !== 'http:') throw new Error(`PicUrl is not an http(s) address: ${protocol}`);
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`picture download answered HTTP ${res.status}`);
    if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
      await res.body?.cancel();
      throw new PictureTooLargeError(maxBytes);
    }
    // Read in chunks so a server that lies about (or omits) the length cannot make us buffer more.
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of res.body ?? []) {
      total += chunk.length;
      if (total > maxBytes) throw new PictureTooLargeError(maxBytes);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  };
}

export interface WeChatPhotoOptions {
  /** Default: httpPictureFetcher(). */
  fetchPicture?: PictureFetcher;
  /** Default: knowledge/photo.yaml. */
  rules?: PhotoRules;
  /** A line for a failed download. Default: stderr. */
  log?: (line: string) => void;
}

/** The check's result as WeChat text: a summary, a ✓/✗ line per check, a note and the source. */
export function weChatPhotoText(result: PhotoCheckResult, rules: PhotoRules): string {
  const t = rules.texts.wechat;
  const failed = result.checks.filter((c) => !c.pass).length;
  const count = result.checks.length;
  const summary = result.ok ? fill(t.allPass, { count }) : fill(t.someFail, { count, failed });
  const lines = result.checks.map((c) => `${c.pass ? '✓' : '✗'} ${c.advice}`);
  return [summary, ...lines, t.note, `${t.sourceLabel}：${rules.source.title}`].join('\n');
}

/**
 * The reply to an image message: the check's result, or (when the picture cannot be checked)
 * what to do instead. Unexpected failures of the check itself are thrown to the channel.
 */
export async function photoReplyForWeChat(picUrl: string, opts: WeChatPhotoOptions = {}): Promise<string> {
  const rules = opts.rules ?? defaultPhotoRules();
  const fetchPicture = opts.fetchPicture ?? httpPictureFetcher();
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let picture: Buffer;
  try {
    picture = await fetchPicture(picUrl);
  } catch (err) {
    if (err instanceof PictureTooLargeError) return fill(rules.texts.refused.tooLarge, { limit: describeLimit(err.maxBytes) });
    log(`photo: picture download failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    return rules.texts.wechat.fetchFailed;
  }
  try {
    return weChatPhotoText(await checkIdPhoto(picture, rules), rules);
  } catch (err) {
    if (err instanceof PhotoInputError) return err.advice;
    throw err;
  }
}

/**
 * The WeChat router's `photoCheck` dependency. Reads knowledge/photo.yaml now, so a broken file
 * stops start-up rather than the first picture.
 */
export function weChatPhotoCheck(opts: WeChatPhotoOptions = {}): (picUrl: string) => Promise<string> {
  const resolved: WeChatPhotoOptions = { ...opts, rules: opts.rules ?? defaultPhotoRules(), fetchPicture: opts.fetchPicture ?? httpPictureFetcher() };
  return (picUrl) => photoReplyForWeChat(picUrl, resolved);
}
