/** Long answers as numbered parts, list markers, choice forms and "next part" words, without HTTP. */
import { describe, expect, it } from 'vitest';
import { layoutReplies, markListItems, sections, withoutClicking } from '../../../src/channels/wechat/layout';
import { asksForNextPart, asksForNextPartExplicitly, choiceNumber } from '../../../src/channels/wechat/input';

const texts = { nextPart: '回复 0 查看下一部分（{next}/{total}）', partHeader: '（{part}/{total}）' };
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** An item with its indented 办法 and 来源 lines, about `size` characters long. */
function item(n: number, size: number): string {
  return `${n}. 第${n}项${'说明'.repeat(size / 2)}\n   办法：先处理第${n}项。\n   来源：原文“第${n}节”`;
}

describe('in-answer lists and button words', () => {
  it('marks numbered lines ①②③ and leaves other numbers alone', () => {
    expect(markListItems('材料：\n1. 身份证；\n2、证书\n   3. 缩进的也算\n5.5 学时不是列表\n2026-12-06')).toBe(
      '材料：\n①身份证；\n②证书\n   ③缩进的也算\n5.5 学时不是列表\n2026-12-06',
    );
  });

  it('drops 点选: WeChat shows no buttons', () => {
    expect(withoutClicking('您还问到了“照片要求”，可以点选或回复 1 查看。')).toBe('您还问到了“照片要求”，可以回复 1 查看。');
  });
});

describe('sections', () => {
  it('keeps indented lines with their item and items under their heading', () => {
    expect(sections('自查结果：不行。\n【需要先解决】\n1. 甲\n   办法：乙\n   来源：丙\n2. 丁\n【来源】原文')).toEqual([
      { items: ['自查结果：不行。'] },
      { heading: '【需要先解决】', name: '需要先解决', items: ['1. 甲\n   办法：乙\n   来源：丙', '2. 丁'] },
      { heading: '【来源】原文', name: '来源', inline: true, items: [] },
    ]);
  });

  it('a one-line section ends at the blank line; the text after it stays a paragraph of its own', () => {
    expect(sections('答案。\n\n【来源】原文\n\n您还问到了“照片”，可以回复 1 查看。')).toEqual([
      { items: ['答案。', ''] },
      { heading: '【来源】原文', name: '来源', inline: true, items: [''] },
      { tail: true, items: ['您还问到了“照片”，可以回复 1 查看。'] },
    ]);
  });
});

describe('layoutReplies', () => {
  it('a short answer is one message with its choices last, sections in their order', () => {
    expect(
      layoutReplies([{ text: '好的。\n1. 甲\n【来源】原文' }, { text: '还有问题吗？', choices: ['有', '没有'] }], {
        texts,
        choicesHeading: '（回复数字选择）',
      }),
    ).toEqual(['好的。\n①甲\n【来源】原文\n\n还有问题吗？\n（回复数字选择）\n1. 有\n2. 没有']);
  });

  it('puts the headline, blockers, next steps and checklist first, the recap last, and numbers the parts', () => {
    const verdict = [
      '自查结果：暂时不能直接注销。',
      '【您的情况】',
      ...Array.from({ length: 8 }, (_, i) => `· 情况${i + 1}${'甲'.repeat(20)}`),
      '【需要先解决】',
      item(1, 60),
      '【需要注意】',
      item(1, 150),
      item(2, 150),
      '【您的材料清单】',
      ...Array.from({ length: 5 }, (_, i) => `☐ 材料${i + 1}：${'乙'.repeat(30)}`),
      '【接下来】',
      '1. 先处理上面的问题。',
      '2. 准备材料。',
      '【来源】原文“三、步骤一”',
    ].join('\n');
    const parts = layoutReplies([{ text: '已记下：没有证明' }, { text: verdict }], { texts, maxBytes: 1300 });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(1300);
    const first = parts[0];
    expect(first.startsWith('已记下：没有证明\n\n自查结果：暂时不能直接注销。\n【需要先解决】\n①第1项')).toBe(true);
    expect(first.indexOf('【需要先解决】')).toBeLessThan(first.indexOf('【接下来】'));
    expect(first.indexOf('【接下来】')).toBeLessThan(first.indexOf('【您的材料清单】'));
    expect(first).toContain('☐ 材料5');
    expect(first).not.toContain('【您的情况】');
    expect(first).toMatch(new RegExp(`\n\n回复 0 查看下一部分（2/${parts.length}）：需要注意(、[^\n]+)?$`));
    parts.slice(1).forEach((p, i) => expect(p.startsWith(`（${i + 2}/${parts.length}）\n`)).toBe(true));
    const last = parts[parts.length - 1];
    expect(last).toContain('【您的情况】');
    expect(last).not.toContain('回复 0');
    // Every item is in one part with its 办法 and 来源 lines; every heading has its items with it.
    for (const p of parts) {
      for (const m of p.matchAll(/^[①②]第(\d)项/gmu)) expect(p).toContain(`来源：原文“第${m[1]}节”`);
      expect(p).not.toMatch(/【[^】]+】(（续）)?$/);
      expect(p).not.toMatch(/】(（续）)?\n\n/);
    }
    // Nothing lost: every line of the answer is in exactly one part.
    const lines = parts.flatMap((p) => p.split('\n')).filter((l) => l && !/^（\d\/\d）$/.test(l) && !l.startsWith('回复 0'));
    const expected = markListItems(`已记下：没有证明\n${verdict}`).split('\n');
    expect([...lines].sort()).toEqual([...expected].sort());
  });

  it('a section larger than a part is cut between items, its heading repeated with （续）', () => {
    const text = ['【需要注意】', item(1, 120), item(2, 120), item(3, 120)].join('\n');
    const parts = layoutReplies([{ text: '自查结果：可以申请。' }, { text }], { texts, maxBytes: 800 });
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(800);
    expect(parts.slice(1).some((p) => p.includes('【需要注意】（续）'))).toBe(true);
    for (const n of [1, 2, 3]) expect(parts.filter((p) => p.includes(`第${n}项`) && p.includes(`来源：原文“第${n}节”`))).toHaveLength(1);
  });

  it('the line that introduces the choices (您还问到了…) goes with them into the first part', () => {
    const long = Array.from({ length: 40 }, (_, i) => `说明第${i + 1}句：${'丙'.repeat(20)}`).join('\n');
    const text = `${long}\n\n【地区差异提示】各省不同。\n\n【来源】原文“三”\n\n您还问到了“照片要求”，可以点选或回复 1 查看。`;
    const parts = layoutReplies([{ text, choices: ['照片要求', '材料'] }], { texts, choicesHeading: '（回复数字选择）' });
    expect(parts.length).toBe(2);
    expect(parts[0]).toMatch(/\n您还问到了“照片要求”，可以回复 1 查看。\n（回复数字选择）\n1\. 照片要求\n2\. 材料\n\n回复 0 查看下一部分（2\/2）：/);
    expect(parts[1]).toContain('【来源】原文“三”');
    expect(parts[1]).not.toContain('您还问到了');
  });

  it('a long answer with choices shows them in the first part, above the "reply 0" line', () => {
    const long = Array.from({ length: 40 }, (_, i) => `说明第${i + 1}句：${'丙'.repeat(20)}`).join('\n');
    const parts = layoutReplies([{ text: `${long}\n【来源】原文` }, { text: '想继续了解哪一项？', choices: ['材料', '照片'] }], {
      texts,
      choicesHeading: '（回复数字选择）',
    });
    expect(parts.length).toBe(2);
    expect(parts[0]).toMatch(/想继续了解哪一项？\n（回复数字选择）\n1\. 材料\n2\. 照片\n\n回复 0 查看下一部分（2\/2）/);
    expect(parts[1]).not.toContain('1. 材料');
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(2000);
  });
});

describe('choice numbers', () => {
  it('reads every common form as the bare number', () => {
    const forms: [string, string][] = [
      ['2', '2'],
      ['2.', '2'],
      ['2。', '2'],
      ['1、', '1'],
      ['２', '2'],
      ['选2', '2'],
      ['选择 3', '3'],
      ['第1个', '1'],
      ['第二个', '2'],
      ['我选第3项', '3'],
      ['（2）', '2'],
      ['【1】', '1'],
      ['①', '1'],
      ['2号', '2'],
      ['选2吧', '2'],
    ];
    for (const [text, n] of forms) expect([text, choiceNumber(text)]).toEqual([text, n]);
  });

  it('leaves other messages alone', () => {
    for (const text of ['继续教育', '两个', '一', '改一下第3个', '差20学时', '2个项目没结算', '你好'])
      expect([text, choiceNumber(text)]).toEqual([text, undefined]);
  });
});

describe('asking for the next part', () => {
  it('0, 下一部分 and "did not get the rest" always ask for it', () => {
    for (const text of ['0', '０', '0。', '下一部分', '下一页', '后面的内容没收到', '后面的内容怎么没收到？', '没收到后面的', '剩下的内容', '请发下一部分']) {
      expect([text, asksForNextPartExplicitly(text), asksForNextPart(text)]).toEqual([text, true, true]);
    }
  });

  it('继续 and 后面呢 ask for it only while a part is waiting; 继续教育 never does', () => {
    for (const text of ['继续', '继续。', '好的，继续', '后面呢', '还有吗', '接着说'])
      expect([text, asksForNextPartExplicitly(text), asksForNextPart(text)]).toEqual([text, false, true]);
    for (const text of ['继续教育', '继续教育没修满', '其他地区', '1']) expect([text, asksForNextPart(text)]).toEqual([text, false]);
  });
});

describe('layoutReplies on any text', () => {
  it('never loses a character and never exceeds the limit, whatever the text', () => {
    const samples = [
      '甲'.repeat(3000),
      `【来源】${'乙'.repeat(1500)}\n\n${'丙'.repeat(900)}`,
      Array.from(
        { length: 60 },
        (_, i) => `${i % 7 === 0 ? '【小节' + i + '】' : i % 3 === 0 ? '   来源：丁' : `${i}. 戊戊戊戊戊戊戊戊戊戊戊戊戊戊戊戊`}`,
      ).join('\n'),
      `${'🙂'.repeat(700)}\n【接下来】\n${'己'.repeat(2100)}`,
    ];
    for (const text of samples) {
      const parts = layoutReplies([{ text }, { text: '还有吗？', choices: ['有', '没有'] }], { texts, choicesHeading: '（回复数字选择）', maxBytes: 600 });
      for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(600);
      const squeeze = (t: string) => t.replace(/\s+/g, '');
      const shown = parts
        .map((p) =>
          p
            .replace(/^（\d+\/\d+）\n/, '')
            .replace(/\n\n回复 0 查看下一部分（\d+\/\d+）(：.*)?$/, '')
            .replace(/【[^】]+】（续）/g, ''),
        )
        .join('');
      expect(squeeze(shown).length).toBe(squeeze(markListItems(text) + '还有吗？（回复数字选择）1. 有2. 没有').length);
    }
  });
});
