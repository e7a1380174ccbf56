import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load';
import { questionBesideInsult } from '../../src/engine/insult';

const k = loadKnowledge();

describe('an insult beside a question', () => {
  it('sets the insulting clauses aside and keeps the question', () => {
    const rest = questionBesideInsult(k, '你这破机器人 说半天没用 去哪告他们');
    expect(rest).toContain('去哪告他们');
    expect(rest).not.toContain('破机器人');
  });

  it('an insult alone, or a question without one, is not this case', () => {
    expect(questionBesideInsult(k, '垃圾')).toBeUndefined();
    expect(questionBesideInsult(k, '你是不是智障')).toBeUndefined();
    expect(questionBesideInsult(k, '注销要多久')).toBeUndefined();
  });
});
