/**
 * The XML WeChat and WeCom send and expect. Parsing never expands entities: a body with a
 * DOCTYPE or ENTITY declaration is refused outright (no billion-laughs, no external entities),
 * and only the five predefined entities and character references are decoded, by hand.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { WeChatXmlError } from './errors';

/** The top-level text fields of `<xml>…</xml>`, by tag name (nested elements such as <Video> are dropped). */
export type XmlFields = Readonly<Record<string, string>>;

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Keep every value a string: a MsgId has 19 digits, more than a JavaScript number holds.
  parseTagValue: false,
  // CDATA apart from text, so that entities are decoded in text only (CDATA is literal).
  cdataPropName: '#cdata',
  trimValues: true,
});

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the predefined XML entities and numeric character references; anything else is an error. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]+);|&/g, (match, ref: string | undefined) => {
    if (ref === undefined) throw new WeChatXmlError('stray & in XML text');
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0) throw new WeChatXmlError(`bad character reference ${match}`);
      return String.fromCodePoint(code);
    }
    const value = PREDEFINED[ref];
    if (value === undefined) throw new WeChatXmlError(`unknown entity ${match}`);
    return value;
  });
}

/** One field's parsed value as a string, or undefined for nested elements we do not read. */
function fieldText(name: string, value: unknown): string | undefined {
  if (typeof value === 'string') return decodeXmlText(value);
  if (Array.isArray(value)) throw new WeChatXmlError(`<${name}> appears more than once`);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '#cdata') {
      const cdata: unknown = (value as Record<string, unknown>)['#cdata'];
      // A value escaped as `]]]]><![CDATA[>` arrives as several CDATA sections: join them back.
      if (typeof cdata === 'string') return cdata;
      if (Array.isArray(cdata) && cdata.every((c): c is string => typeof c === 'string')) return cdata.join('');
    }
    if (keys.includes('#cdata')) throw new WeChatXmlError(`<${name}> mixes text and CDATA`);
    return undefined;
  }
  return undefined;
}

/**
 * Parses a WeChat XML body into its top-level fields. Throws WeChatXmlError for a DOCTYPE or
 * ENTITY declaration, malformed XML, a root other than <xml>, or a repeated field.
 */
export function parseWeChatXml(body: string): XmlFields {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new WeChatXmlError('DOCTYPE and ENTITY declarations are not accepted');
  if (!body.trim()) throw new WeChatXmlError('empty body');
  if (XMLValidator.validate(body) !== true) throw new WeChatXmlError('malformed XML');
  let doc: unknown;
  try {
    doc = parser.parse(body);
  } catch {
    throw new WeChatXmlError('malformed XML');
  }
  const roots = doc && typeof doc === 'object' ? Object.keys(doc) : [];
  const root = roots.length === 1 && roots[0] === 'xml' ? (doc as { xml: unknown }).xml : undefined;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new WeChatXmlError('the body must be one <xml> element with fields');
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(root)) {
    const text = fieldText(name, value);
    if (text !== undefined) fields[name] = text;
  }
  return fields;
}

/** Wraps text in CDATA; a `]]>` inside is split across two sections so it cannot close the first. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** A passive text reply: the incoming ToUserName/FromUserName swapped. */
export interface TextReply {
  toUser: string;
  fromUser: string;
  /** Seconds since the epoch. */
  createTime: number;
  content: string;
}

/** The XML of a passive text reply (被动回复用户消息 · 文本消息). */
export function textReplyXml(reply: TextReply): string {
  return (
    `<xml><ToUserName>${cdata(reply.toUser)}</ToUserName><FromUserName>${cdata(reply.fromUser)}</FromUserName>` +
    `<CreateTime>${reply.createTime}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(reply.content)}</Content></xml>`
  );
}

/** Hands the conversation to the account's live agents (客服消息转发: MsgType transfer_customer_service). */
export function transferReplyXml(reply: Omit<TextReply, 'content'>): string {
  return (
    `<xml><ToUserName>${cdata(reply.toUser)}</ToUserName><FromUserName>${cdata(reply.fromUser)}</FromUserName>` +
    `<CreateTime>${reply.createTime}</CreateTime><MsgType>${cdata('transfer_customer_service')}</MsgType></xml>`
  );
}

/** The envelope of an encrypted reply (safe mode and WeCom). */
export interface EncryptedEnvelope {
  encrypt: string;
  msgSignature: string;
  timestamp: string;
  nonce: string;
}

export function encryptedReplyXml(e: EncryptedEnvelope): string {
  return (
    `<xml><Encrypt>${cdata(e.encrypt)}</Encrypt><MsgSignature>${cdata(e.msgSignature)}</MsgSignature>` +
    `<TimeStamp>${e.timestamp}</TimeStamp><Nonce>${cdata(e.nonce)}</Nonce></xml>`
  );
}
