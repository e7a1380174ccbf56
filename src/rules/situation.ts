/**
 * Validates a situation typed by a caller (JSON from the CLI or the API) and resolves its region.
 */
import { SituationInput, type Situation } from '../schema/rules';
import type { RegionIndex } from './region';

/** A situation that cannot be checked; `message` is one line naming the field and what is allowed. */
export class SituationError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(field ? `${field}: ${detail}` : detail);
    this.name = 'SituationError';
  }
}

/** Parses and validates; throws SituationError on the first problem. */
export function parseSituation(raw: unknown, regions: RegionIndex): Situation {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new SituationError('', 'a situation is a JSON object, e.g. {"region":"江苏","unsettledProjects":false}');
  const parsed = SituationInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      throw new SituationError(
        issue.keys[0],
        `unknown field; allowed: goal, region, reason, ${Object.keys(SituationInput.shape)
          .filter((k) => !['goal', 'region', 'reason'].includes(k))
          .join(', ')}`,
      );
    }
    throw new SituationError(issue.path.join('.'), issue.message.replace(/^\w+ (?=must)/, ''));
  }
  const { region, ...rest } = parsed.data as Situation;
  if (region === undefined) return rest;
  const province = regions.resolve(region);
  if (!province) throw new SituationError('region', `unknown province or city "${region}"; use e.g. 江苏 / 江苏省 / jiangsu / 南京`);
  return { ...rest, region: province };
}
