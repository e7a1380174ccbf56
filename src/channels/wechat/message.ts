/** An incoming WeChat/WeCom message reduced to what the assistant acts on. */
import { WeChatXmlError } from './errors';
import type { XmlFields } from './xml';

/** What the assistant does with a message. */
export type InboundAction =
  /** A question to answer: a text message, or a voice message WeChat has already transcribed. */
  | { kind: 'text'; text: string }
  /** A new follower: greet. */
  | { kind: 'greet' }
  /** A picture: checked as an ID photo when the router has a photo check, else `unsupported`. */
  | { kind: 'image'; picUrl: string; mediaId?: string }
  /** Pictures, locations, links …: say that only text is understood. */
  | { kind: 'unsupported' }
  /** Events that need no answer (unsubscribe, menu clicks, template receipts …). */
  | { kind: 'ignore' };

export interface InboundMessage {
  /** The user's OpenID (Official Account) or UserID (WeCom). */
  fromUser: string;
  /** The account's original ID (gh_…) or the CorpID. */
  toUser: string;
  createTime: string;
  msgType: string;
  /** WeChat retries a message with the same MsgId; events have none. */
  msgId?: string;
  action: InboundAction;
}

/** A user id we are willing to use in a conversation id: printable, no spaces, bounded. */
const USER_ID = /^[\x21-\x7e]{1,128}$/;

function required(fields: XmlFields, name: string): string {
  const value = fields[name];
  if (value === undefined || value === '') throw new WeChatXmlError(`missing <${name}>`);
  return value;
}

/** Reads the message fields; throws WeChatXmlError naming the first missing or unusable one. */
export function inboundMessage(fields: XmlFields): InboundMessage {
  const fromUser = required(fields, 'FromUserName');
  const toUser = required(fields, 'ToUserName');
  const createTime = required(fields, 'CreateTime');
  const msgType = required(fields, 'MsgType');
  if (!USER_ID.test(fromUser)) throw new WeChatXmlError('<FromUserName> is not a user id');
  if (!/^\d{1,12}$/.test(createTime)) throw new WeChatXmlError('<CreateTime> is not a number');
  const msgId = fields.MsgId || fields.MsgID || undefined;
  return { fromUser, toUser, createTime, msgType, ...(msgId ? { msgId } : {}), action: actionOf(msgType, fields) };
}

function actionOf(msgType: string, fields: XmlFields): InboundAction {
  switch (msgType) {
    case 'text': {
      const text = fields.Content;
      if (text === undefined) throw new WeChatXmlError('missing <Content>');
      return { kind: 'text', text };
    }
    case 'voice':
      // With 语音识别 switched on, WeChat sends its transcript: answer it like typed text.
      return fields.Recognition?.trim() ? { kind: 'text', text: fields.Recognition } : { kind: 'unsupported' };
    case 'image':
      return fields.PicUrl ? { kind: 'image', picUrl: fields.PicUrl, ...(fields.MediaId ? { mediaId: fields.MediaId } : {}) } : { kind: 'unsupported' };
    case 'event':
      return required(fields, 'Event').toLowerCase() === 'subscribe' ? { kind: 'greet' } : { kind: 'ignore' };
    default:
      return { kind: 'unsupported' };
  }
}

/**
 * The key under which retries of one message meet: the MsgId, or for events (which have none)
 * the sender and CreateTime, as WeChat's documentation recommends.
 */
export function retryKey(m: InboundMessage): string {
  return m.msgId ? `id:${m.toUser}:${m.msgId}` : `ev:${m.fromUser}:${m.createTime}`;
}
