import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The raw body as text, whatever API Gateway did with it. */
export function bodyText(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export function bodyBytes(event: APIGatewayProxyEventV2): number {
  if (!event.body) return 0;
  return event.isBase64Encoded
    ? Buffer.from(event.body, 'base64').byteLength
    : Buffer.byteLength(event.body, 'utf8');
}

/** Header lookup; API Gateway payload 2.0 lower-cases header names. */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()];
}

export function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase();
  return (
    mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType ?? '')
  );
}
