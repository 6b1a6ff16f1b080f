import { EmailSendingEvent } from 'aws-cdk-lib/aws-ses';

/**
 * The SES configuration-set events Farewell acts on, each with the EventBridge detail type SES
 * gives it. Only these are published and routed to ses-events: a bounce or complaint suppresses
 * the address and stops the exit. Deliveries are not subscribed: they only added a timeline line
 * the product does not act on, yet cost one ses-events invocation, a secret read, an exit read
 * and write and their logs for every email sent (see the cost model in `bench/cost.ts`). The
 * handler still accepts a delivery event, so subscribing it again is a change here alone.
 */
export const SES_EVENT_TYPES = [
  { event: EmailSendingEvent.BOUNCE, detailType: 'Email Bounced' },
  { event: EmailSendingEvent.COMPLAINT, detailType: 'Email Complaint Received' },
] as const;
