/** A webhook secret in the `whsec_` form the config accepts. */
export const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/**
 * Every setting `loadConfig` requires, well formed (secrets included), with `overrides` on top:
 * the base of the tests that change one setting and watch what the config says.
 */
export function validSettings(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    FAREWELL_TABLE_NAME: 'farewell-exits',
    FAREWELL_PUBLIC_URL: 'https://farewell.example/',
    FAREWELL_FIRM_NAME: 'Acme Consulting',
    FAREWELL_SENDER_EMAIL: 'hello@acme.example',
    FAREWELL_WEBHOOK_SECRETS: WEBHOOK_SECRET,
    FAREWELL_SUPPRESSION_KEY: 's'.repeat(32),
    FAREWELL_SESSION_KEY: 'c'.repeat(32),
    FAREWELL_LINK_KEYS: 'k'.repeat(32),
    FAREWELL_SEND_STEP_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:send-step',
    FAREWELL_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
    ...overrides,
  };
}
