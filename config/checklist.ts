import { defineChecklist } from '../functions/domain/checklist-rules.js';

/**
 * The operator's checklist: what the firm does for every exit, beyond the emails. Each exit gets
 * its own copy when it starts; the operator ticks tasks off on the exit's page. Edit the values
 * here; the file is validated when Farewell starts, and an invalid value stops it with a message
 * naming the field.
 *
 * `due` is relative to one date of the exit, in the client's time zone:
 * - `notice`: the day the exit started (the notice goes out at once);
 * - `effective`: the day the relationship ends;
 * - `survey`: the day the feedback survey goes out.
 * Give `days` (calendar days) or `businessDays` (the sequence's business days, without the
 * client's public holidays); negative means before. Tasks timed from the effective date or the
 * survey move when the effective date changes.
 */
export const checklist = defineChecklist({
  /** Exits the firm started. */
  firm: [
    {
      title: "Confirm the contract's notice terms",
      hint: 'Check the termination clause and the notice it requires against the effective date.',
      due: { from: 'notice', days: 0 },
    },
    {
      title: 'Follow-up call',
      hint: 'Offer a short call to answer questions about the transition.',
      due: { from: 'notice', businessDays: 2 },
    },
    {
      title: 'Finish or plan the committed work',
      hint: 'Everything promised is delivered, or has an agreed plan and owner.',
      due: { from: 'effective', businessDays: -5 },
    },
    {
      title: 'Hand over files and credentials',
      hint: 'Documents, files, diagrams and the reasoning behind key decisions.',
      due: { from: 'effective', businessDays: -3 },
    },
    {
      title: 'Transfer or revoke access',
      due: { from: 'effective', days: 0 },
    },
    {
      title: 'Final invoice sent',
      due: { from: 'effective', days: 0 },
    },
    {
      title: 'Ask for a testimonial and referrals',
      hint: 'Only if things went well; offer to draft the testimonial for them to edit.',
      due: { from: 'survey', days: 0 },
    },
    {
      title: 'File the exit record',
      hint: 'Reasons, communications and agreed terms, kept for both sides.',
      due: { from: 'effective', businessDays: 5 },
    },
  ],
  /** Exits the client started. */
  client: [
    {
      title: "Confirm the contract's notice terms",
      hint: 'Check the termination clause and the notice it requires against the effective date.',
      due: { from: 'notice', days: 0 },
    },
    {
      title: 'Exit conversation',
      hint: 'Ask what led to the decision, acknowledge what fell short, offer to put it right.',
      due: { from: 'notice', businessDays: 2 },
    },
    {
      title: 'Hand over to the new provider',
      hint: 'Cooperate fully: files, credentials, diagrams and open questions.',
      due: { from: 'effective', businessDays: -3 },
    },
    {
      title: 'Transfer or revoke access',
      due: { from: 'effective', days: 0 },
    },
    {
      title: 'Final invoice sent',
      due: { from: 'effective', days: 0 },
    },
    {
      title: 'Read the feedback and act on what is fair',
      due: { from: 'survey', businessDays: 5 },
    },
    {
      title: 'File the exit record',
      hint: 'Reasons, communications and agreed terms, kept for both sides.',
      due: { from: 'effective', businessDays: 5 },
    },
  ],
});
