/**
 * Requests for the web handler in this process, shaped as the local gateway (and API Gateway's
 * HTTP API, payload 2.0) shapes them, and a cookie-keeping browser stand-in over that handler.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResponse } from '../../functions/handlers/http/responses.js';
import type { WebHandler } from '../../functions/handlers/web.js';
import { storeCookies } from './cookie-jar.js';

export interface HostileRequest {
  method: string;
  /** The raw path, sent as it is (API Gateway does not decode or normalise it). */
  path: string;
  /** The raw query string, without `?`. */
  query?: string;
  /** Header names in any case; a list is a header given several times (joined with `,`). */
  headers?: Record<string, string | string[]>;
  /** `name=value` pairs, as API Gateway puts the Cookie header. */
  cookies?: string[];
  body?: string | Uint8Array;
}

/** The gateway's rule: text media types arrive as text, anything else base64-encoded. */
function isText(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  return /^(text\/|application\/(json|x-www-form-urlencoded|[a-z0-9.+-]+\+json))/i.test(
    contentType,
  );
}

function queryParameters(query: string): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(query);
  } catch {
    return undefined;
  }
  for (const [name, value] of params) {
    parameters[name] = parameters[name] === undefined ? value : `${parameters[name]},${value}`;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

/** The payload 2.0 event API Gateway would hand the Lambda for this request. */
export function apiEvent(request: HostileRequest): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const lower = name.toLowerCase();
    const joined = Array.isArray(value) ? value.join(',') : value;
    headers[lower] = headers[lower] === undefined ? joined : `${headers[lower]},${joined}`;
  }
  const body =
    request.body === undefined
      ? Buffer.alloc(0)
      : typeof request.body === 'string'
        ? Buffer.from(request.body, 'utf8')
        : Buffer.from(request.body);
  const text = isText(headers['content-type']);
  const query = request.query ?? '';
  const queryStringParameters = queryParameters(query);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    rawQueryString: query,
    ...(request.cookies && request.cookies.length > 0 ? { cookies: request.cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'hostile',
      domainName: 'localhost',
      domainPrefix: 'hostile',
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: 'hostile',
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0
      ? { body: text ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !text }
      : { isBase64Encoded: false }),
  };
}

/** A response's body as text, whatever its encoding. */
export function bodyOf(response: HttpResponse): string {
  const body = response.body ?? '';
  return response.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

/** A header of a response, by case-insensitive name. */
export function headerOf(response: HttpResponse, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(response.headers ?? {})) {
    if (key.toLowerCase() === wanted) return String(value);
  }
  return undefined;
}

/** The hidden CSRF field of the form posting to `action` in a page. */
export function csrfField(html: string, action: string): string {
  const form = html.split('<form').find((chunk) => chunk.includes(`action="${action}`));
  const token = form?.match(/name="csrf" value="([^"]+)"/)?.[1];
  if (!token) throw new Error(`no form posting to ${action}`);
  return token;
}

/** A browser over the in-process handler: keeps cookies, never follows redirects. */
export class HandlerBrowser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly handler: WebHandler) {}

  jar(): string[] {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`);
  }

  private remember(response: HttpResponse): void {
    storeCookies(this.cookies, response.cookies ?? []);
  }

  async send(request: HostileRequest): Promise<HttpResponse> {
    const response = await this.handler(apiEvent({ cookies: this.jar(), ...request }));
    this.remember(response);
    return response;
  }

  get(path: string, query = ''): Promise<HttpResponse> {
    return this.send({ method: 'GET', path, query });
  }

  post(path: string, fields: Record<string, string>): Promise<HttpResponse> {
    return this.send({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Signs in through the form, as a person does. */
  async signIn(email: string, password: string): Promise<HttpResponse> {
    const page = await this.get('/admin/sign-in');
    const csrf = csrfField(bodyOf(page), '/admin/sign-in');
    return this.post('/admin/sign-in', { csrf, email, password });
  }
}

/** Percent-encodes any text for a path or query (lone surrogates become U+FFFD, never a throw). */
export function percentEncode(text: string): string {
  return new URLSearchParams({ v: text }).toString().slice(2).replace(/\+/g, '%20');
}
