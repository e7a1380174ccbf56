/**
 * The message encryption of WeChat's safe mode (安全模式) and of WeCom, with node:crypto only:
 * AES-256-CBC, key = base64(EncodingAESKey + '='), IV = the key's first 16 bytes, PKCS#7 padding to
 * 32-byte blocks (not AES's 16, hence auto padding off), and the plaintext
 * `16 random bytes | 4-byte big-endian length | message | AppID (or CorpID)`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { WeChatConfigError, WeChatCryptoError } from './errors';

/** The padding block WeChat's samples use (32 bytes), independent of AES's block size. */
const PAD_BLOCK = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Pads to a multiple of `block` bytes; a full block is added when already aligned, as PKCS#7 requires. */
export function pkcs7Pad(data: Buffer, block = PAD_BLOCK): Buffer {
  const pad = block - (data.length % block);
  return Buffer.concat([data, Buffer.alloc(pad, pad)]);
}

/** Removes PKCS#7 padding; throws WeChatCryptoError when the padding is not well formed. */
export function pkcs7Unpad(data: Buffer, block = PAD_BLOCK): Buffer {
  const pad = data.length ? data[data.length - 1] : 0;
  if (pad < 1 || pad > block || pad > data.length) throw new WeChatCryptoError('encrypted payload has bad padding');
  for (let i = data.length - pad; i < data.length; i++) {
    if (data[i] !== pad) throw new WeChatCryptoError('encrypted payload has bad padding');
  }
  return data.subarray(0, data.length - pad);
}

/** Encrypts and decrypts payloads for one account: its EncodingAESKey and AppID (or CorpID). */
export class WeChatCrypto {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(
    encodingAesKey: string,
    /** The AppID (Official Account) or CorpID (WeCom) that every payload must end with. */
    readonly receiverId: string,
  ) {
    if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) throw new WeChatConfigError('EncodingAESKey must be 43 letters and digits');
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    this.iv = this.key.subarray(0, 16);
  }

  /** Seals `message`; `random` (16 bytes) is only fixed by tests reproducing published vectors. */
  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    if (random.length !== 16) throw new RangeError('random prefix must be 16 bytes');
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const plain = pkcs7Pad(Buffer.concat([random, length, body, Buffer.from(this.receiverId, 'utf8')]));
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  /** Opens a payload and checks it was sealed for this AppID/CorpID; returns the message. */
  decrypt(encrypted: string): string {
    if (!BASE64.test(encrypted)) throw new WeChatCryptoError('encrypted payload is not base64');
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new WeChatCryptoError('encrypted payload has a wrong length');
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv);
      decipher.setAutoPadding(false);
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      throw new WeChatCryptoError('encrypted payload cannot be decrypted');
    }
    const content = pkcs7Unpad(plain).subarray(16);
    if (content.length < 4) throw new WeChatCryptoError('encrypted payload is too short');
    const length = content.readUInt32BE(0);
    if (4 + length > content.length) throw new WeChatCryptoError('encrypted payload has a wrong length field');
    const receiver = content.subarray(4 + length).toString('utf8');
    // A payload for another account is as good as a forgery: refuse it like a bad signature.
    if (receiver !== this.receiverId) throw new WeChatCryptoError('encrypted payload is for another AppID/CorpID', 401);
    return content.subarray(4, 4 + length).toString('utf8');
  }
}
