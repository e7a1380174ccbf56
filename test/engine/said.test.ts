import { describe, expect, it } from 'vitest';
import { fingerprint, foldRepeats } from '../../src/engine/said';

const SEE_ABOVE = '（这部分前面已经说过，不再重复。）';
const block =
  '单位不配合，您本人也可以申请注销：第十五条规定本人和聘用单位都应当及时申请，并没有要求单位同意。单位卡着不办的，可以向住建主管部门反映，并保留好证据。';

describe('the repeat guard', () => {
  it('folds a long block said before, but a reply that would be only "said before" keeps its first sentence', () => {
    const first = foldRepeats([{ text: block }], [], '来源', SEE_ABOVE);
    expect(first.replies[0].text).toBe(block);
    expect(first.said).toContain(fingerprint(block));
    const again = foldRepeats([{ text: block }], first.said, '来源', SEE_ABOVE);
    expect(again.replies[0].text).toContain('单位不配合，您本人也可以申请注销');
    expect(again.replies[0].text).toContain(SEE_ABOVE);
    expect(again.replies[0].text).not.toContain('保留好证据');
  });

  it('a block said before beside a new one becomes the note; the new one stays whole', () => {
    const said = foldRepeats([{ text: block }], [], '来源', SEE_ABOVE).said;
    const fresh = '注销以后还能再注册：注销只终止注册状态，资格证书不作废，重新具备条件的可以按初始注册程序重新申请（第十六条）。';
    const r = foldRepeats([{ text: `${block}\n\n${fresh}` }], said, '来源', SEE_ABOVE);
    expect(r.replies[0].text).toBe(`${SEE_ABOVE}\n\n${fresh}`);
  });
});
