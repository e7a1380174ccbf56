/**
 * src/nlu/opencc-rules.txt is what toSimplifiedChinese checks a text against before it loads OpenCC:
 * it must be exactly what the installed opencc-js's dictionaries give. After an upgrade of
 * opencc-js, `npx vitest run test/nlu/opencc-rules.test.ts -u` rewrites it.
 */
import { describe, expect, it } from 'vitest';
import { openCCChangingRules } from '../../src/nlu/normalize';

describe('opencc-rules.txt', () => {
  it('holds the rules of the installed OpenCC that change a character', async () => {
    await expect(openCCChangingRules()).toMatchFileSnapshot('../../src/nlu/opencc-rules.txt');
  });
});
