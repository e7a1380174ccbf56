import { describe, expect, it } from 'vitest';
import { partAsked, sentencesOf } from '../../src/engine/part-asked';
import { Assistant } from '../../src/engine/assistant';
import { newConversationState, type ConversationState } from '../../src/engine/types';
import { loadKnowledge } from '../../src/knowledge/load';

const answer =
  '一人只能受聘于一个单位注册（第十条）。先查清楚：全国建筑市场监管公共服务平台公开注册执业人员的基本信息。\n是别人冒用您的信息注册的，向住建主管部门举报。';

describe('the part of an earlier answer a message asks about', () => {
  it('splits an answer into sentences at 。！？ and line ends', () => {
    expect(sentencesOf(answer)).toHaveLength(3);
  });

  it('picks the sentence naming the most of the message words, longer words counting more', () => {
    expect(partAsked(['查', '平台'], sentencesOf(answer), 2)).toEqual([sentencesOf(answer)[1]]);
    expect(partAsked(['举报'], sentencesOf(answer), 2)).toEqual([sentencesOf(answer)[2]]);
  });

  it('finds nothing when no sentence names a word of the message', () => {
    expect(partAsked(['社保'], sentencesOf(answer), 2)).toEqual([]);
    expect(partAsked([], sentencesOf(answer), 2)).toEqual([]);
  });
});

describe('an answer card asked about again', () => {
  const assistant = new Assistant(loadKnowledge());
  const talk = (...lines: string[]) => {
    let state: ConversationState = newConversationState();
    return lines.map((text) => {
      const r = assistant.turn(state, { text, now: new Date('2026-12-07T02:00:00Z') });
      state = r.state;
      return r;
    });
  };

  it('leads with the part asked for, then names the earlier answer, never the whole answer again', () => {
    const [first, again] = talk('发现自己被两个公司注册了怎么处理', '我注册在哪几个单位 怎么查');
    expect(first.answer).toBe('adj.two_employers');
    const text = again.replies.map((r) => r.text).join('\n');
    const firstLine = text.split('\n')[0];
    expect(firstLine).toContain('全国建筑市场监管公共服务平台');
    expect(text).toContain('前面回答');
    expect(text.length).toBeLessThan(first.replies.map((r) => r.text).join('\n').length);
  });
});
