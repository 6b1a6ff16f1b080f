/** Named errors of the domain. Each maps to one HTTP status in `handlers/http/errors.ts`. */

export class FarewellError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface FieldProblem {
  /** JSON pointer-ish path to the field, e.g. `data.client.email`. */
  field: string;
  message: string;
}

/** The input is well-formed but breaks a rule; names every bad field. */
export class ValidationError extends FarewellError {
  constructor(
    readonly problems: FieldProblem[],
    options?: ErrorOptions,
  ) {
    super(`Invalid input: ${problems.map((p) => p.field).join(', ')}`, options);
  }
}

export class NotFoundError extends FarewellError {}

/**
 * The action conflicts with the exit (409). Thrown only as one of the two kinds below; handlers
 * map the base class, so both answer alike.
 */
export class ConflictError extends FarewellError {}

/** A concurrent write kept changing the exit first: every retry lost (trying again may work). */
export class ConcurrentWriteError extends ConflictError {}

/** The exit's state forbids the action (e.g. pausing a cancelled exit); retrying cannot help. */
export class StateConflictError extends ConflictError {}

/** The email can never be delivered as it is (bad address, rejected content). Recorded, not retried. */
export class PermanentSendError extends FarewellError {
  /** The recipient's address itself is the problem: it goes on the suppression list. */
  readonly addressAtFault: boolean;

  constructor(message: string, options?: ErrorOptions & { addressAtFault?: boolean }) {
    super(message, options);
    this.addressAtFault = options?.addressAtFault ?? false;
  }
}

/** A dependency failed in a way a retry may fix. Thrown so the retry machinery takes over. */
export class TransientError extends FarewellError {}

/** Configuration is missing or invalid; names what. */
export class ConfigError extends FarewellError {}

/**
 * Why the SES account cannot send at all (not this message's fault): the sandbox, an identity or
 * MAIL FROM domain not verified, sending paused or suspended, the daily quota, a missing
 * configuration set.
 */
export type SendingBlockedReason =
  | 'sandbox'
  | 'identity-not-verified'
  | 'mail-from-not-verified'
  | 'sending-paused'
  | 'account-suspended'
  | 'daily-quota'
  | 'configuration-set-missing';

/** The account cannot send for now (`reason`; `why`, `fix` for the operator): the step waits. */
export class SendingBlockedError extends FarewellError {
  readonly why: string;
  readonly fix: string;

  constructor(
    readonly reason: SendingBlockedReason,
    words: { why: string; fix: string },
    options?: ErrorOptions,
  ) {
    super(`Sending is blocked: ${words.why}.`, options);
    this.why = words.why;
    this.fix = words.fix;
  }
}

/** SES refused for the sending rate: retried with backoff, never recorded as a failure. */
export class SendThrottledError extends TransientError {}
