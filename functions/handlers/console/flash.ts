/**
 * The console's flash message: the line a page shows after a redirect (`?done=…`, or a local
 * time travel's `?travelled=…&fired=…`), read from the query and never stored.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** What a redirect after an action says on the next page (`?done=…`). */
const DONE: Record<string, string> = {
  started: 'The exit has started: the notice goes out within a minute.',
  exists: 'This exit had already been started (the form was sent twice): nothing new started.',
  cancelled: 'Cancelled: nothing more will be sent.',
  paused: 'Paused: nothing is sent until you resume.',
  resumed: 'Resumed: the emails still ahead are scheduled again.',
  unchanged: 'Nothing changed: it already was so.',
  'sent-now': 'The email goes out within a minute.',
  'not-sent-now': 'That email had already gone out or was on its way: nothing changed.',
  replanned: 'The effective date changed: the emails still ahead were replanned.',
  erased: "The client's personal data is erased.",
  'task-done': 'Task ticked off.',
  'task-reopened': 'Task opened again.',
  'task-not-needed': 'Task marked not needed.',
  'task-noted': 'Note saved.',
  'task-added': 'Task added to the checklist.',
  approved: 'Approved: the notice goes out within a minute, and the plan starts from now.',
  discarded: 'Discarded: the client hears nothing.',
};

/** The path and query of a GET request without its flash, for "come back here" (time travel). */
export function returnPath(event: APIGatewayProxyEventV2): string {
  const query = new URLSearchParams(event.rawQueryString ?? '');
  query.delete('done');
  query.delete('travelled');
  query.delete('fired');
  const rest = query.toString();
  return `${event.rawPath}${rest ? `?${rest}` : ''}`;
}

/** The flash message a page shows, if its query carries one we know. */
export function flashOf(event: APIGatewayProxyEventV2): string | null {
  const query = event.queryStringParameters ?? {};
  const days = Number(query.travelled);
  if (Number.isInteger(days) && days > 0) {
    const fired = Number(query.fired);
    const emails = Number.isInteger(fired) && fired >= 0 ? fired : 0;
    return `The clock moved ${days === 1 ? 'one day' : `${days} days`} forward; ${emails === 1 ? 'one scheduled email' : `${emails} scheduled emails`} fired on the way.`;
  }
  const done = query.done ?? '';
  return Object.hasOwn(DONE, done) ? (DONE[done] ?? null) : null;
}
