/**
 * Authenticates WeChat/WeCom requests and opens their payloads. Plain mode (明文模式) signs the
 * query: signature = SHA-1(sorted token, timestamp, nonce). Safe mode (安全模式, `encrypt_type=aes`)
 * and WeCom (always encrypted, `msg_signature` without `encrypt_type`) also sign the ciphertext:
 * msg_signature = SHA-1(sorted token, timestamp, nonce, Encrypt). Nothing reaches the assistant
 * before the signature and the timestamp have been checked. With an EncodingAESKey configured, a
 * plain message is refused (403) unless `allowPlaintext` is set: its signature does not cover the
 * body, so accepting it would let a captured signature carry a forged body past safe mode.
 */
import type { WeChatConfig } from './config';
import { WeChatCrypto } from './crypto';
import { WeChatCryptoError, WeChatPlaintextRefusedError, WeChatQueryError, WeChatSignatureError, WeChatTimestampError, WeChatXmlError } from './errors';
import { inboundMessage, type InboundMessage } from './message';
import { assertFreshTimestamp, assertSignature, sha1Signature } from './signature';
import { encryptedReplyXml, parseWeChatXml } from './xml';

/** The query parameters WeChat and WeCom put on the callback URL. */
export interface WeChatQuery {
  signature?: string;
  msg_signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
  encrypt_type?: string;
  openid?: string;
}

/** An authenticated message and what is needed to answer it the same way it came. */
export interface OpenedMessage {
  message: InboundMessage;
  /** Safe mode or WeCom: the reply must be encrypted too. */
  encrypted: boolean;
  nonce: string;
}

export class WeChatRequestVerifier {
  private readonly crypto?: WeChatCrypto;

  constructor(
    private readonly config: WeChatConfig,
    private readonly now: () => number,
  ) {
    if (config.encodingAesKey) this.crypto = new WeChatCrypto(config.encodingAesKey, config.appId);
  }

  /** The URL check (GET): returns the text to answer, the echostr itself or, encrypted, its plaintext. */
  verifyUrl(q: WeChatQuery): string {
    if (!q.echostr) throw new WeChatQueryError('missing echostr');
    const { timestamp, nonce } = this.signedParts(q);
    if (this.isEncrypted(q)) {
      assertSignature([this.config.token, timestamp, nonce, q.echostr], q.msg_signature, 'msg_signature');
      assertFreshTimestamp(timestamp, this.now(), this.config.timestampWindowSeconds);
      return this.requireCrypto().decrypt(q.echostr);
    }
    assertSignature([this.config.token, timestamp, nonce], q.signature, 'signature');
    assertFreshTimestamp(timestamp, this.now(), this.config.timestampWindowSeconds);
    return q.echostr;
  }

  /** A message (POST): authenticates, decrypts if needed and reads the fields. */
  openMessage(q: WeChatQuery, body: string): OpenedMessage {
    const { timestamp, nonce } = this.signedParts(q);
    if (!this.isEncrypted(q)) {
      assertSignature([this.config.token, timestamp, nonce], q.signature, 'signature');
      assertFreshTimestamp(timestamp, this.now(), this.config.timestampWindowSeconds);
      if (this.crypto && !this.config.allowPlaintext) {
        throw new WeChatPlaintextRefusedError('plain message refused: safe mode is configured (WECHAT_ENCODING_AES_KEY), messages must be encrypted');
      }
      return { message: inboundMessage(parseWeChatXml(body)), encrypted: false, nonce };
    }
    const crypto = this.requireCrypto();
    const encrypt = parseWeChatXml(body).Encrypt;
    if (!encrypt) throw new WeChatXmlError('missing <Encrypt>');
    assertSignature([this.config.token, timestamp, nonce, encrypt], q.msg_signature, 'msg_signature');
    assertFreshTimestamp(timestamp, this.now(), this.config.timestampWindowSeconds);
    return { message: inboundMessage(parseWeChatXml(crypto.decrypt(encrypt))), encrypted: true, nonce };
  }

  /** Wraps a reply for safe mode / WeCom: encrypted, with its own timestamp and msg_signature. */
  sealReply(xml: string, nonce: string): string {
    const encrypt = this.requireCrypto().encrypt(xml);
    const timestamp = String(Math.floor(this.now() / 1000));
    return encryptedReplyXml({ encrypt, msgSignature: sha1Signature([this.config.token, timestamp, nonce, encrypt]), timestamp, nonce });
  }

  /** `msg_signature` alone marks WeCom, `encrypt_type=aes` the Official Account's safe mode. */
  private isEncrypted(q: WeChatQuery): boolean {
    return q.encrypt_type === 'aes' || q.msg_signature !== undefined;
  }

  private signedParts(q: WeChatQuery): { timestamp: string; nonce: string } {
    // Without them no signature can be checked: that is an authentication failure (401), not a bad request.
    if (!q.timestamp) throw new WeChatTimestampError('missing timestamp');
    if (!q.nonce) throw new WeChatSignatureError('missing nonce');
    return { timestamp: q.timestamp, nonce: q.nonce };
  }

  private requireCrypto(): WeChatCrypto {
    if (!this.crypto) throw new WeChatCryptoError('encrypted request but no EncodingAESKey is configured (WECHAT_ENCODING_AES_KEY)');
    return this.crypto;
  }
}
