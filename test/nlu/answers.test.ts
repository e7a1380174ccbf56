import { describe, expect, it } from 'vitest';
import { answerWords, parseYesNo, isExactly, isQuestion } from '../../src/nlu/answers';
import { normalizeText } from '../../src/nlu/normalize';
import { sharedAssistant } from '../helpers/assistant';

const k = sharedAssistant().knowledge;
// The answer words of nlu.yaml, what asks and the particles (conversation.yaml).
const config = answerWords(k);
const yn = (s: string) => parseYesNo(normalizeText(s), config);

describe('short answers', () => {
  it.each(['是', '是的', '对', '对的！', '嗯', '嗯嗯', '有', '有的呀', '好的', '可以', '有离职证明'])('%s is yes', (s) => expect(yn(s)).toBe('yes'));
  it.each(['不是', '没有', '没', '还没', '还没有呢', '不用', '没有离职证明', '不对', '不需要'])('%s is no', (s) => expect(yn(s)).toBe('no'));
  it.each(['确定没有', '对，没有', '好像没有', '应该没有吧', '可以说没有', '目前没有'])('%s is no: the yes/hedge word before it comes off', (s) =>
    expect(yn(s)).toBe('no'),
  );
  it.each(['好像有', '对，有的', '应该是的'])('%s is yes', (s) => expect(yn(s)).toBe('yes'));
  it.each(['不知道', '不确定', '不太清楚', '不记得了', '还没问单位', '不好说'])('%s is neither yes nor no (not the 不 of no)', (s) =>
    expect(yn(s)).toBeUndefined(),
  );
  it.each(['有在建项目能注销吗', '照片有什么要求', '这个嘛我也说不好呢', 'asdf', '', '要等多久才能批下来呀我很着急', '要找谁开证明啊'])(
    '%s is not an answer',
    (s) => expect(yn(s)).toBeUndefined(),
  );
  it('control words match the whole message only', () => {
    expect(isExactly(normalizeText('退出！'), k.nlu.quit, config.particles)).toBe(true);
    expect(isExactly(normalizeText('怎么退出行业'), k.nlu.quit, config.particles)).toBe(false);
  });
});

describe('what asks', () => {
  const asks = (s: string) => isQuestion(normalizeText(s), k.conversation.words.questions);
  it.each(['证还能用不', '截图行不', '那补偿还能要到不', '单位给办了没', '这样算不算', '能注销吗', '要找谁开证明啊'])('%s asks', (s) =>
    expect(asks(s)).toBe(true),
  );
  it.each(['老单位不给办注销', '我还没', '已经办离职了', '单位不同意', '没有'])('%s does not ask', (s) => expect(asks(s)).toBe(false));
});
