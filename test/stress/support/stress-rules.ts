import { sequence } from '../../../config/sequence.js';
import type { SequenceRules } from '../../../functions/domain/sequence-rules.js';

/**
 * The shipped sequence with two check-ins instead of ten: every kind of step, the check-in chain
 * included (the second check-in is planned when the first is sent), in about fourteen months of
 * virtual time instead of five years.
 */
export const STRESS_RULES: SequenceRules = {
  ...sequence,
  checkIns: { ...sequence.checkIns, maxCount: 2 },
};

/** Virtual days after which every step of an exit started now is due (60-day notice + 12 months + slack). */
export const WHOLE_SEQUENCE_DAYS = 480;
