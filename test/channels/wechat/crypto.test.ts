/**
 * The safe-mode crypto against the vectors Tencent publishes with its 消息加解密 sample code
 * (WXBizMsgCrypt: the Official Account Java and Python samples, the WeCom C#/C++ sample).
 */
import { describe, expect, it } from 'vitest';
import { WeChatCrypto, WeChatCryptoError, WeChatConfigError, sha1Signature } from '../../../src/channels/wechat';
import { pkcs7Pad, pkcs7Unpad } from '../../../src/channels/wechat/crypto';
import { sign } from './harness';

const SAMPLE_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

describe('Official Account sample (Java WXBizMsgCryptTest)', () => {
  // token "pamtest", appId "wxb11529c136998cb6", random prefix "aaaabbbbccccdddd".
  const crypto = new WeChatCrypto(SAMPLE_KEY, 'wxb11529c136998cb6');
  const random = Buffer.from('aaaabbbbccccdddd');
  const ciphertext = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==';
  const replyMsg2 =
    '<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>';
  const ciphertext2 =
    'jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb';

  it('decrypts the sample ciphertext to the sample plaintext', () => {
    expect(crypto.decrypt(ciphertext)).toBe('我是中文abcd123');
    expect(crypto.decrypt(ciphertext2)).toBe(replyMsg2);
  });

  it('encrypts the sample plaintext to exactly the sample ciphertext (same random prefix)', () => {
    expect(crypto.encrypt('我是中文abcd123', random)).toBe(ciphertext);
    expect(crypto.encrypt(replyMsg2, random)).toBe(ciphertext2);
  });

  it('refuses a payload sealed for another AppID with a 401-type error', () => {
    const other = new WeChatCrypto(SAMPLE_KEY, 'wx0000000000000000');
    expect(() => other.decrypt(ciphertext)).toThrow(WeChatCryptoError);
    try {
      other.decrypt(ciphertext);
    } catch (err) {
      expect((err as WeChatCryptoError).status).toBe(401);
    }
  });
});

describe('Official Account sample (Python Sample.py): msg_signature and decryption', () => {
  const encrypt =
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';

  it('computes the published msg_signature', () => {
    expect(sha1Signature(['spamtest', '1409735669', '1320562132', encrypt])).toBe('5d197aaffba7e9b25a30732f161a50dee96bd5fa');
  });

  it('decrypts the published message for AppID wx2c2769f8efd9abc2', () => {
    expect(new WeChatCrypto(SAMPLE_KEY, 'wx2c2769f8efd9abc2').decrypt(encrypt)).toBe(
      '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n' +
        '<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n' +
        '<CreateTime>1409735668</CreateTime>\n' +
        '<MsgType><![CDATA[text]]></MsgType>\n' +
        '<Content><![CDATA[abcdteT]]></Content>\n' +
        '<MsgId>6054768590064713728</MsgId>\n' +
        '</xml>',
    );
  });
});

describe('WeCom sample (CorpID as the receiver id)', () => {
  const crypto = new WeChatCrypto('jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', 'wx5823bf96d3bd56c7');
  const echostr = 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==';

  it('verifies and opens the URL-check echostr', () => {
    expect(sign('QDG6eK', '1409659589', '263014780', echostr)).toBe('5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3');
    expect(crypto.decrypt(echostr)).toBe('1616140317555161061');
  });
});

describe('PKCS#7 to 32-byte blocks', () => {
  it('pads to a multiple of 32 and adds a whole block when aligned', () => {
    expect(pkcs7Pad(Buffer.alloc(31)).length).toBe(32);
    expect(pkcs7Pad(Buffer.alloc(32)).length).toBe(64);
    expect(pkcs7Pad(Buffer.alloc(32)).at(-1)).toBe(32);
    expect(pkcs7Unpad(pkcs7Pad(Buffer.from('abc'))).toString()).toBe('abc');
  });

  it('rejects malformed padding and ciphertext', () => {
    expect(() => pkcs7Unpad(Buffer.from([1, 2, 3, 0]))).toThrow(WeChatCryptoError);
    expect(() => pkcs7Unpad(Buffer.from([1, 2, 3, 3]))).toThrow(WeChatCryptoError);
    const crypto = new WeChatCrypto(SAMPLE_KEY, 'wxb11529c136998cb6');
    expect(() => crypto.decrypt('not base64!')).toThrow(WeChatCryptoError);
    expect(() => crypto.decrypt('AAAA')).toThrow(WeChatCryptoError);
  });

  it('round-trips with a random prefix', () => {
    const crypto = new WeChatCrypto(SAMPLE_KEY, 'wxb11529c136998cb6');
    const text = '注销需要哪些材料？🙂'.repeat(20);
    expect(crypto.decrypt(crypto.encrypt(text))).toBe(text);
  });

  it('refuses a key that is not 43 characters', () => {
    expect(() => new WeChatCrypto('abcde', 'wx')).toThrow(WeChatConfigError);
  });
});
