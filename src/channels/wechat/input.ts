/**
 * What a WeChat user types that the channel reads itself: a choice number in any of the forms
 * people type on a phone keyboard, and asking for the next part of a long answer.
 */

/** Full-width forms to ASCII (`２` → `2`, `①` → `1`), white space out. */
function plain(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}

const CN_NUMBERS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const NUM = '(\\d{1,2}|[一二两三四五六七八九十])';
const CHOICE_FORMS = [
  // 2  2.  2。 2、 (2) 【2】 2号
  /^(\d{1,2})(?:号|项)?$/,
  // 选2 选择2 我选第2个 就选二 选项2
  new RegExp(`^(?:我|就)?(?:选|选择|选项|要)第?${NUM}(?:个|项|条|号|种)?(?:选项)?$`),
  // 第1个 第二项 第3条
  new RegExp(`^第${NUM}(?:个|项|条|号|种)?(?:选项)?$`),
];

/**
 * The choice number a message stands for (`2.`, `2。`, `选2`, `第1个`, `1、`, `２`, `①` …) as the
 * bare digits the engine reads, or undefined when the message is something else.
 */
export function choiceNumber(text: string): string | undefined {
  const t = plain(text)
    .replace(/^[(（[【<〈「]+/u, '')
    .replace(/[.。、,，!！:：;；)）\]】>〉」~～]+$/u, '')
    .replace(/(?:吧|吗|呢|啊|呀|哈)$/u, '')
    .replace(/[.。、,，!！:：;；)）\]】>〉」~～]+$/u, '');
  for (const form of CHOICE_FORMS) {
    const m = form.exec(t);
    if (!m) continue;
    const n = /^\d+$/.test(m[1]) ? Number(m[1]) : CN_NUMBERS[m[1]];
    return n !== undefined ? String(n) : undefined;
  }
  return undefined;
}

/** The message without punctuation, courtesy words or a trailing particle. */
function squeezed(text: string): string {
  return plain(text)
    .replace(/[\p{P}\p{S}]/gu, '')
    .replace(/^(?:请|麻烦|帮我|那|好的|好|嗯)+/u, '')
    .replace(/(?:一下|吧|呢|啊|呀|哦|吗|了|谢谢)+$/u, '');
}

const REST = '(?:后面|后边|剩下|剩余|余下|其余|下面)';
const THING = '的?(?:内容|部分|信息|几条|几段)';
const NOT_RECEIVED = '(?:怎么|还|都)?(?:没|没有|未|还没)(?:收到|看到|发|发过来|发出来|发完|显示|显示全|出来)';

/** Asks for the next part in words that mean nothing else: answered even when no part is waiting. */
const EXPLICIT = [
  /^0$/,
  /^(?:查看|看|发|显示|给我)?下一?(?:部分|页|段|条)$/u,
  new RegExp(`^(?:查看|看|发|显示|给我)?${REST}${THING}$`, 'u'),
  new RegExp(`^${REST}(?:${THING}|的)?${NOT_RECEIVED}$`, 'u'),
  new RegExp(`^${NOT_RECEIVED}${REST}(?:${THING}|的)?$`, 'u'),
  new RegExp(`^(?:内容|消息|回复)?${NOT_RECEIVED}(?:全|完|完整)?$`, 'u'),
];

/** Words that ask for more only while an answer has parts waiting (继续 is otherwise 继续教育's word). */
const WHILE_PENDING = [/^(?:继续|接着)(?:发|看|说|讲|显示|发送)?(?:下去)?$/u, new RegExp(`^(?:还有|然后|更多|查看更多|往下|${REST}|${REST}的)$`, 'u')];

/** True when the message asks for the next part and cannot be a question of its own. */
export function asksForNextPartExplicitly(text: string): boolean {
  const t = squeezed(text);
  return EXPLICIT.some((re) => re.test(t));
}

/** True when the message asks for the next part, given that one is waiting. */
export function asksForNextPart(text: string): boolean {
  const t = squeezed(text);
  return EXPLICIT.some((re) => re.test(t)) || WHILE_PENDING.some((re) => re.test(t));
}
