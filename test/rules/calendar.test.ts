/** Decision windows in Chinese working days, and what they say past the years chinese-days covers. */
import { describe, expect, it } from 'vitest';
import { renderVerdict } from '../../src/dialogs/summary';
import { loadKnowledge } from '../../src/knowledge/load';
import { decisionWindow, holidaysKnown } from '../../src/rules/calendar';
import { checkEligibility } from '../../src/rules/check';
import { parseSituation } from '../../src/rules/situation';

/** Noon in China (UTC+8) on a date. */
const china = (date: string) => new Date(`${date}T12:00:00+08:00`);

describe('decisionWindow', () => {
  it('counts statutory holidays and make-up days inside the covered years', () => {
    // 2026-09-25 (Friday): the National Day week (10-01 to 10-07) is skipped, 09-27 and 10-10 are make-up working days.
    const w = decisionWindow(china('2026-09-25'), 5, 15);
    expect(w).toMatchObject({ today: '2026-09-25', uncoveredYears: [] });
    expect(w.note).toBeUndefined();
    expect(w.to > '2026-10-14').toBe(true);
  });

  it('says so when the window reaches a year without holiday data (2027), instead of counting 元旦 as a working day', () => {
    expect(holidaysKnown(2026)).toBe(true);
    expect(holidaysKnown(2027)).toBe(false);
    const w = decisionWindow(china('2026-12-20'), 5, 15);
    expect(w.to.startsWith('2027-')).toBe(true);
    expect(w.uncoveredYears).toEqual([2027]);
    expect(w.note).toBe('未计入2027年法定节假日，请以通知为准。');
    // A window wholly in 2027.
    expect(decisionWindow(china('2027-03-01'), 5, 15).note).toBe('未计入2027年法定节假日，请以通知为准。');
  });

  it('puts the note in the verdict the interview shows', () => {
    const k = loadKnowledge();
    const v = checkEligibility(parseSituation({ region: '江苏', unsettledProjects: false }, k.regions), k.rules);
    expect(v.status).not.toBe('blocked');
    expect(v.approvalDays).toBeDefined();
    const late = renderVerdict(v, {}, k, china('2026-12-20'));
    expect(late).toContain('2026-12-20');
    expect(late).toContain('未计入2027年法定节假日，请以通知为准');
    expect(renderVerdict(v, {}, k, china('2026-06-01'))).not.toContain('未计入');
  });
});
