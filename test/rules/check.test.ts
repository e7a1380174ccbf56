import { describe, expect, it } from 'vitest';
import { checkEligibility } from '../../src/rules/check';
import { parseSituation, SituationError } from '../../src/rules/situation';
import { decisionWindow } from '../../src/rules/calendar';
import { loadKnowledge } from '../../src/knowledge/load';
import { CLEAR_FACTS } from '../helpers/situations';

const k = loadKnowledge();
const check = (raw: Record<string, unknown>) => checkEligibility(parseSituation(raw, k.regions), k.rules);
const clear = CLEAR_FACTS;
/** The deregistration facts in the order the interview asks them (and `missing` lists them). */
const INTERVIEW_ORDER = [
  'region',
  'reason',
  'unsettledProjects',
  'pendingAccidentLiability',
  'underPenaltyOrReview',
  'continuingEducationComplete',
  'employerCooperates',
  'laborContractTerminated',
];
/** The facts still missing, in interview order, once `known` are told. */
const missingBut = (...known: string[]) => INTERVIEW_ORDER.filter((f) => !known.includes(f));
const codes = (xs: { code: string }[]) => xs.map((x) => x.code);

describe('checkEligibility: deregister', () => {
  it('is eligible when every fact is clear, with the seed materials and 5–15 working days', () => {
    const v = check({ region: '浙江', ...clear });
    expect(v.status).toBe('eligible');
    expect(v.blockers).toEqual([]);
    expect(v.warnings).toEqual([]);
    expect(v.missing).toEqual([]);
    expect(v.materials.map((m) => m.id)).toEqual(['id_card_copy', 'qualification_certificate', 'contract_termination', 'employer_consent_letter', 'photo']);
    expect(v.materials.find((m) => m.id === 'photo')?.requirement).toMatch(/白底.*JPG.*500KB/);
    expect(v.approvalDays).toEqual({ min: 5, max: 15 });
    expect(v.nextSteps.join()).toContain('国家政务服务平台');
  });

  it.each([
    ['unsettledProjects', true, 'UNSETTLED_PROJECTS'],
    ['pendingAccidentLiability', true, 'ACCIDENT_LIABILITY'],
    ['underPenaltyOrReview', true, 'PENALTY_OR_REVIEW'],
  ])('%s=%s blocks with %s, says it comes from the article and to confirm locally', (field, value, code) => {
    const v = check({ ...clear, [field]: value });
    expect(v.status).toBe('blocked');
    expect(codes(v.blockers)).toEqual([code]);
    expect(v.blockers[0].message).toContain('原文');
    expect(v.blockers[0].remedy).toContain('确认');
    expect(v.blockers[0].source).toContain('步骤一');
    expect(v.blockers[0].source).toContain('第十五条');
  });

  it.each(['left_employer', 'leaving_industry', 'retired', 'other'])(
    'never blocks deregistration on unfinished hours (reason %s): a warning citing 第十三条',
    (reason) => {
      const v = check({ ...clear, reason, continuingEducationComplete: false });
      expect(v.status).toBe('eligible');
      expect(v.blockers).toEqual([]);
      expect(codes(v.warnings)).toContain('CONTINUING_EDUCATION');
      expect(v.warnings[0].message).toContain('不挡注销');
      expect(v.warnings[0].source).toContain('第十三条');
      expect(v.warnings[0].remedy).toContain('96学时');
    },
  );

  it('blocks on a known blocker even while other fields are unknown', () => {
    const v = check({ unsettledProjects: true });
    expect(v.status).toBe('blocked');
    expect(v.missing).toEqual(missingBut('unsettledProjects'));
  });

  it('needs info while a blocker field is unknown, and lists missing fields in interview order', () => {
    const v = check({ region: '江苏', unsettledProjects: false });
    expect(v.status).toBe('needs_info');
    expect(v.missing).toEqual(missingBut('region', 'unsettledProjects'));
    expect(check({}).missing[0]).toBe('region');
  });

  it('is eligible once blockers are clear even if warning fields are unknown (they stay missing)', () => {
    const v = check({ unsettledProjects: false, pendingAccidentLiability: false, underPenaltyOrReview: false, continuingEducationComplete: true });
    expect(v.status).toBe('eligible');
    expect(v.missing).toEqual(['region', 'reason', 'employerCooperates', 'laborContractTerminated']);
  });

  it('warns about a refusing employer with the three routes and adds the evidence to the materials', () => {
    const v = check({ ...clear, employerCooperates: false });
    expect(v.status).toBe('eligible');
    expect(codes(v.warnings)).toEqual(['EMPLOYER_REFUSAL']);
    // The regulation lets the engineer apply alone; the article's routes follow.
    expect(v.warnings[0].remedy).toMatch(/本人可以自己提出申请.*投诉.*仲裁/s);
    expect(v.warnings[0].source).toContain('第十五条');
    expect(v.materials.map((m) => m.id)).toContain('refusal_evidence');
    // The refusing employer will neither write the consent letter nor confirm online.
    expect(v.materials.map((m) => m.id)).not.toContain('employer_consent_letter');
    expect(v.nextSteps.join()).not.toContain('聘用单位需在线确认');
    expect(v.nextSteps.join()).toMatch(/本人可以自己申请/);
  });

  it('warns about a dissolved employer and swaps the consent letter for the proof of dissolution', () => {
    const v = check({ ...clear, reason: 'employer_dissolved' });
    expect(codes(v.warnings)).toEqual(['EMPLOYER_DISSOLVED']);
    // The registration lapsed with the company (第十四条); the engineer applies alone (第十五条).
    expect(v.warnings[0].message).toContain('失效');
    expect(v.warnings[0].remedy).toMatch(/本人可以自己申请/);
    expect(v.warnings[0].remedy).not.toContain('存在多个注册状态');
    const ids = v.materials.map((m) => m.id);
    expect(ids).toContain('dissolved_employer_proof');
    expect(ids).not.toContain('employer_consent_letter');
    expect(v.nextSteps.join()).not.toContain('聘用单位需在线确认');
    expect(v.nextSteps.join()).toContain('原单位已不存在');
  });

  it('does not send a user whose company is gone back to that company for the contract proof', () => {
    const v = check({ ...clear, reason: 'employer_dissolved', laborContractTerminated: false });
    expect(codes(v.warnings)).toEqual(['EMPLOYER_DISSOLVED']);
    const ids = v.materials.map((m) => m.id);
    expect(ids).toContain('contract_termination_dissolved');
    expect(ids).not.toContain('contract_termination');
    expect(v.materials.find((m) => m.id === 'contract_termination_dissolved')?.requirement).toContain('清算组');
  });

  it('does not ask a retiree or someone over 65 about hours at all', () => {
    expect(check({ reason: 'retired' }).missing).not.toContain('continuingEducationComplete');
    expect(check({ reason: 'left_employer', age: 66 }).missing).not.toContain('continuingEducationComplete');
    expect(check({ reason: 'left_employer', age: 50 }).missing).toContain('continuingEducationComplete');
  });

  it('tells someone over 65 that the registration has lapsed and deregistration still applies', () => {
    const v = check({ ...clear, reason: 'retired', age: 67 });
    expect(v.goal).toBe('deregister');
    expect(v.status).toBe('eligible');
    expect(codes(v.warnings)).toEqual(['AGE_OVER_65_LAPSED']);
    expect(v.warnings[0].message).toMatch(/失效/);
    expect(v.warnings[0].source).toContain('第十四条');
    expect(codes(check({ ...clear, age: 65 }).warnings)).toEqual([]);
  });

  it('points someone changing employer to 变更注册 instead of deregistering', () => {
    const v = check({ reason: 'changing_employer', region: '广东' });
    expect(v.goal).toBe('change');
    expect(v.redirectedFrom).toBe('deregister');
    expect(v.headline).toMatch(/不需要注销.*变更注册/);
    expect(v.missing).toEqual(['laborContractTerminated', 'newContractSigned', 'continuingEducationComplete']);
    const done = check({
      reason: 'changing_employer',
      region: '广东',
      laborContractTerminated: true,
      newContractSigned: true,
      continuingEducationComplete: true,
    });
    expect(done.status).toBe('eligible');
    expect(done.materials.map((m) => m.id)).toEqual(['change_application', 'new_labor_contract', 'transfer_proof']);
    expect(done.nextSteps.join()).toContain('不需要先注销');
    expect(done.approvalDays).toEqual({ min: 10, max: 10 });
  });

  it('does not ask whether a company that is gone will write a consent letter', () => {
    const { employerCooperates: _, ...rest } = clear;
    const v = check({ ...rest, region: '上海', reason: 'employer_dissolved' });
    expect(v.missing).toEqual([]);
    expect(v.status).toBe('eligible');
    expect(check({ reason: 'left_employer' }).missing).toContain('employerCooperates');
  });

  it('warns when there is no proof of the ended contract', () => {
    expect(codes(check({ ...clear, laborContractTerminated: false }).warnings)).toEqual(['NO_CONTRACT_PROOF']);
  });

  it('reports every blocker and warning together', () => {
    const v = check({ ...clear, unsettledProjects: true, continuingEducationComplete: false, employerCooperates: false });
    expect(codes(v.blockers)).toEqual(['UNSETTLED_PROJECTS']);
    expect(codes(v.warnings)).toEqual(['CONTINUING_EDUCATION', 'EMPLOYER_REFUSAL']);
  });
});

describe('regional data', () => {
  it('asks Jiangsu for a year of continuing-education proof, marked as from the article', () => {
    const v = check({ region: 'jiangsu', ...clear });
    expect(v.region).toBe('江苏');
    const m = v.materials.find((x) => x.id === 'ce_certificate_recent_year');
    expect(m?.requirement).toContain('请以江苏省住建部门公告为准');
    expect(v.notes.join()).toContain('黑名单');
  });

  it.each(['北京', '上海市'])('adds the paper receipt to the next steps in %s', (region) => {
    expect(check({ region, ...clear }).nextSteps.join()).toContain('纸质注销回执');
  });

  it('adds no receipt elsewhere', () => {
    expect(check({ region: '四川', ...clear }).nextSteps.join()).not.toContain('回执');
  });

  it.each([
    ['江苏', '江苏'],
    ['江苏省', '江苏'],
    ['jiangsu', '江苏'],
    ['JiangSu', '江苏'],
    ['南京', '江苏'],
    ['南京市', '江苏'],
    ['深圳', '广东'],
    ['陕西', '陕西'],
    ['shaanxi', '陕西'],
    ['延边', '吉林'],
    ['内蒙古自治区', '内蒙古'],
  ])('resolves %s to %s', (input, province) => {
    expect(k.regions.resolve(input)).toBe(province);
  });

  it('has one data file for each of the 31 provinces', () => {
    expect(k.rules.regions.size).toBe(31);
  });
});

describe('checkEligibility: reregister', () => {
  const ready = { goal: 'reregister', previousRegistrationCleared: true, newContractSigned: true, continuingEducationComplete: true };
  it('is eligible with the ministry’s approval through the national platform, no provincial 初审', () => {
    const v = check({ region: '广东', ...ready });
    expect(v.goal).toBe('reregister');
    expect(v.status).toBe('eligible');
    expect(v.nextSteps.join()).toContain('国家政务服务平台');
    expect(v.nextSteps.join()).toContain('省级部门不再初审');
    expect(v.nextSteps.join()).not.toMatch(/通过[^，。]*初审/);
    expect(v.materials.map((m) => m.id)).toContain('new_labor_contract');
    // 第八条: a decision within 20 days of acceptance.
    expect(v.approvalDays).toEqual({ min: 20, max: 20 });
  });
  it.each([
    ['newContractSigned', false, 'NO_NEW_CONTRACT'],
    ['continuingEducationComplete', false, 'CONTINUING_EDUCATION'],
    ['age', 66, 'AGE_OVER_65'],
  ])('%s=%s blocks with %s', (field, value, code) => {
    const v = check({ ...ready, [field]: value });
    expect(v.status).toBe('blocked');
    expect(codes(v.blockers)).toEqual([code]);
  });
  it('blocks anyone over 65 with 第十三条(六)', () => {
    const v = check({ goal: 'reregister', age: 70 });
    expect(v.status).toBe('blocked');
    expect(v.blockers[0].message).toContain('不予注册');
    expect(v.blockers[0].source).toContain('第十三条');
  });
  it('has no bad-credit condition: it is not a legal condition for registering', () => {
    expect(() => check({ ...ready, badCreditRecord: true })).toThrow(/badCreditRecord: unknown field/);
    expect(JSON.stringify(check({ ...ready }).blockers)).not.toContain('信用');
  });
  it('sends someone whose old registration is still in force to 变更注册', () => {
    const v = check({ goal: 'reregister', previousRegistrationCleared: false });
    expect(v.goal).toBe('change');
    expect(v.headline).toContain('变更注册');
    expect(v.blockers.map((b) => b.code)).not.toContain('PREVIOUS_REGISTRATION_ACTIVE');
  });
  it('needs info with its own fields (age is read when given, never asked)', () => {
    expect(check({ goal: 'reregister' }).missing).toEqual(['region', 'previousRegistrationCleared', 'newContractSigned', 'continuingEducationComplete']);
  });
});

describe('parseSituation', () => {
  const error = (raw: unknown) => {
    try {
      parseSituation(raw, k.regions);
    } catch (e) {
      if (e instanceof SituationError) return e.message;
      throw e;
    }
    throw new Error('expected a SituationError');
  };
  it('names the field and what is allowed', () => {
    expect(error({ unsettledProjects: 'maybe' })).toBe('unsettledProjects: must be true or false');
    expect(error({ reason: 'bored' })).toMatch(/^reason: must be one of left_employer, changing_employer, leaving_industry/);
    expect(error({ colour: 'red' })).toMatch(/^colour: unknown field; allowed: goal, region, reason, age, unsettledProjects/);
    expect(error({ age: 'old' })).toBe('age: must be a whole number of years, e.g. 58');
    expect(error({ age: 66.5 })).toBe('age: must be a whole number of years, e.g. 58');
    expect(error({ age: 200 })).toBe('age: must be between 16 and 120');
    expect(error({ region: '火星' })).toMatch(/^region: unknown province or city "火星"/);
    expect(error([1, 2])).toMatch(/JSON object/);
  });
});

describe('decisionWindow', () => {
  it('counts Chinese working days across the National Day holiday and its make-up Saturday', () => {
    // 2026-09-28 is a Monday; 1–7 October are holidays and Saturday 10 October is a make-up working day.
    expect(decisionWindow(new Date('2026-09-28T02:00:00Z'), 5, 15)).toMatchObject({ today: '2026-09-28', from: '2026-10-10', to: '2026-10-23' });
  });
  it('uses the date in China (UTC+8)', () => {
    expect(decisionWindow(new Date('2026-11-27T20:00:00Z'), 1, 1).today).toBe('2026-11-28');
  });
});
