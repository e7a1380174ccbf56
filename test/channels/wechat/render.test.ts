/** Rendering and XML helpers: numbered choices, UTF-8 splitting, CDATA that cannot be broken out of. */
import { describe, expect, it } from 'vitest';
import { renderReplies, splitUtf8, takeHead } from '../../../src/channels/wechat/render';
import { cdata, parseWeChatXml, textReplyXml } from '../../../src/channels/wechat/xml';
import { WeChatXmlError } from '../../../src/channels/wechat';
import { parseReply } from './harness';

describe('renderReplies', () => {
  it('numbers choices under their reply and joins replies with a blank line', () => {
    expect(renderReplies([{ text: '先确认一下：' }, { text: '您有离职证明吗？', choices: ['有', '没有'] }])).toBe(
      '先确认一下：\n\n您有离职证明吗？\n1. 有\n2. 没有',
    );
    expect(renderReplies([{ text: '您有离职证明吗？', choices: ['有', '没有'] }], '（回复数字选择）')).toBe(
      '您有离职证明吗？\n（回复数字选择）\n1. 有\n2. 没有',
    );
  });
});

describe('splitting by UTF-8 bytes', () => {
  it('keeps every part within the limit and never cuts a character (CJK is 3 bytes, emoji 4)', () => {
    const text = '注销🙂材料'.repeat(300);
    const parts = splitUtf8(text, 100);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(100);
    expect(parts.join('')).toBe(text);
    expect(parts.join('')).not.toContain('\uFFFD');
  });

  it('prefers to cut at a line break', () => {
    const [head, rest] = takeHead(`${'甲'.repeat(20)}\n${'乙'.repeat(20)}`, 90);
    expect(head).toBe('甲'.repeat(20));
    expect(rest).toBe('乙'.repeat(20));
  });
});

describe('reply XML', () => {
  it('escapes "]]>" so the content cannot close its CDATA', () => {
    const content = '危险]]><ToUserName>evil</ToUserName><![CDATA[';
    const xml = textReplyXml({ toUser: 'oU', fromUser: 'gh', createTime: 1, content });
    expect(parseReply(xml)).toEqual({ ToUserName: 'oU', FromUserName: 'gh', CreateTime: '1', MsgType: 'text', Content: content });
    expect(parseWeChatXml(xml).Content).toBe(content);
    expect(cdata(']]>')).toBe('<![CDATA[]]]]><![CDATA[>]]>');
  });

  it('reads text and CDATA fields, keeps 19-digit MsgIds exact and ignores nested elements', () => {
    const fields = parseWeChatXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n  <MsgId>6054768590064713728</MsgId>\n  <Content><![CDATA[ 含空格 ]]></Content>\n  <Video><MediaId>m</MediaId></Video>\n</xml>',
    );
    expect(fields).toEqual({ MsgId: '6054768590064713728', Content: ' 含空格 ' });
  });

  it('rejects a stray ampersand', () => {
    expect(() => parseWeChatXml('<xml><Content>a & b</Content></xml>')).toThrow(WeChatXmlError);
  });
});
