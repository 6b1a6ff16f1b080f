import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bodyBytes, bodyText, header } from './request.js';

/** A survey with every text box full is under 20 KB; a form body past this is not ours. */
export const MAX_FORM_BYTES = 32 * 1024;

export type FormBody =
  | { ok: true; fields: Record<string, string> }
  | { ok: false; status: 413 | 415; detail: string };

function mediaType(event: APIGatewayProxyEventV2): string {
  return (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * The fields of an HTML form post (`application/x-www-form-urlencoded`), size-limited. A name
 * given twice keeps its first value: none of our forms repeats a name.
 */
export function readForm(event: APIGatewayProxyEventV2, maxBytes = MAX_FORM_BYTES): FormBody {
  if (bodyBytes(event) > maxBytes) {
    return { ok: false, status: 413, detail: `The form must be at most ${maxBytes} bytes.` };
  }
  if (mediaType(event) !== 'application/x-www-form-urlencoded') {
    return { ok: false, status: 415, detail: 'Please send the form as a web browser does.' };
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(bodyText(event))) {
    if (!(name in fields)) fields[name] = value;
  }
  return { ok: true, fields };
}

/**
 * Whether a POST is an RFC 8058 one-click unsubscribe: its body is the single pair
 * `List-Unsubscribe=One-Click`, sent by a mail client as a urlencoded or multipart form.
 */
export function isOneClickUnsubscribe(event: APIGatewayProxyEventV2): boolean {
  if (bodyBytes(event) > 4096) return false;
  const type = mediaType(event);
  const body = bodyText(event);
  if (type === 'application/x-www-form-urlencoded') {
    const pairs = [...new URLSearchParams(body)];
    return (
      pairs.length === 1 && pairs[0]?.[0] === 'List-Unsubscribe' && pairs[0][1] === 'One-Click'
    );
  }
  if (type === 'multipart/form-data') {
    return /name="List-Unsubscribe"\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/.test(body);
  }
  return false;
}
