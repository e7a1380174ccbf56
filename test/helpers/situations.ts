/** Situations for the eligibility check (src/rules/check.ts). */

/** Every fact but the region, as a clear deregistration has them: nothing blocks, nothing warns. */
export const CLEAR_FACTS = {
  reason: 'left_employer',
  unsettledProjects: false,
  pendingAccidentLiability: false,
  underPenaltyOrReview: false,
  continuingEducationComplete: true,
  employerCooperates: true,
  laborContractTerminated: true,
} as const;
