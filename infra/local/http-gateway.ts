import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResponse } from '../../functions/handlers/http/responses.js';

/** API Gateway HTTP API's own payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export type LocalRoute = (request: IncomingMessage, body: Buffer) => Promise<HttpResponse>;

export interface GatewayOptions {
  host: string;
  port: number;
  handler: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;
  /** Routes served by the gateway itself (local mode's `/__local/*`), never by the Lambda. */
  localRoutes?: Record<string, LocalRoute>;
}

function isText(contentType: string | undefined): boolean {
  if (!contentType) return true;
  return /^(text\/|application\/(json|x-www-form-urlencoded|[a-z0-9.+-]+\+json))/i.test(
    contentType,
  );
}

/** Turns a Node request into the API Gateway HTTP API payload 2.0 event the Lambda receives. */
export function toEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  }
  const cookies = request.headers.cookie
    ?.split(';')
    .map((cookie) => cookie.trim())
    .filter(Boolean);
  const now = new Date();
  const text = isText(headers['content-type']);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
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

function send(response: ServerResponse, result: HttpResponse, head: boolean): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    response.setHeader(name, String(value));
  }
  if (result.cookies && result.cookies.length > 0) response.setHeader('set-cookie', result.cookies);
  response.statusCode = result.statusCode;
  // A HEAD answer carries the GET's headers and never a body, whoever produced the response.
  if (head) {
    response.end();
    return;
  }
  const body = result.body ?? '';
  response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The local HTTP API: the same web handler the Lambda runs, behind a plain Node server. */
export async function startGateway(
  options: GatewayOptions,
): Promise<{ server: Server; url: string }> {
  const server = createServer(async (request, response) => {
    try {
      const body = await readBody(request);
      if (!body) {
        response.writeHead(413, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: 'Request Entity Too Large' }));
        return;
      }
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const local = options.localRoutes?.[path];
      send(
        response,
        local ? await local(request, body) : await options.handler(toEvent(request, body)),
        request.method === 'HEAD',
      );
    } catch {
      // Like API Gateway when the integration fails: no detail leaves.
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Internal Server Error' }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${options.host}:${port}` };
}
