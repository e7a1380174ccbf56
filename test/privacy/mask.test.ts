import { describe, expect, it } from 'vitest';
import { maskPersonalData } from '../../src/privacy/mask';

describe('maskPersonalData', () => {
  it.each([
    ['身份证110105199001011234', '身份证110105********1234'],
    ['身份证号：11010519900101123x。', '身份证号：110105********123x。'],
    ['老证110105900101123', '老证110105******123'],
    ['手机13812345678', '手机138****5678'],
    ['电话 +86 138-1234-5678 找我', '电话 138****5678 找我'],
    ['身份证11010519900101123X 手机19912345678', '身份证110105********123X 手机199****5678'],
  ])('%s → %s', (input, masked) => {
    expect(maskPersonalData(input)).toBe(masked);
  });

  it.each(['差20学时', '96学时，48+48', '2026-12-04', '注册编号12345', '订单号123456789012345678901'])('leaves %s alone', (text) => {
    expect(maskPersonalData(text)).toBe(text);
  });
});
