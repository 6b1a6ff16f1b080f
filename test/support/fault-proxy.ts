import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the proxy saw it. */
export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The operation of a JSON-protocol call (`X-Amz-Target: DynamoDB_20120810.UpdateItem`). */
  operation?: string;
}

/** An answer the proxy gives instead of forwarding. */
export interface FaultAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface FaultRule {
  /** Names the fault in the report, e.g. `ses-throttle`. */
  label: string;
  matches(request: ProxiedRequest): boolean;
  /** Whether the `index`-th matching request (from 0) fails; every one when absent. */
  fails?(index: number): boolean;
  /** At most this many requests fail; then the rule lets everything through. */
  limit: number;
  /**
   * A canned error; a rewrite of the body that is then forwarded to the real service; or
   * `answerLost`: forwarded, the service's answer kept in the log, then the client's connection
   * cut instead of answering, as when a response is lost on the way back.
   */
  answer: FaultAnswer | { rewrite(body: Buffer): Buffer } | { answerLost: true };
}

/** What happened to one request. */
export interface Exchange {
  request: ProxiedRequest;
  /** Label of the rule that answered or rewrote it. */
  fault?: string;
  /** The status the client got; absent when the connection was cut. */
  status?: number;
  responseBody?: Buffer;
  /** Set when the real service could not be reached (the proxy then cuts the connection). */
  upstreamError?: string;
}

export interface FaultProxy {
  /** `http://127.0.0.1:port`, for the SDK's endpoint. */
  endpoint: string;
  inject(rule: FaultRule): void;
  /** Removes every rule. */
  clear(): void;
  /** How many requests each rule failed, by label. */
  injected(): Record<string, number>;
  /** Every exchange kept so far, oldest first. */
  exchanges(): readonly Exchange[];
  /** Called with each request before it is answered or forwarded. */
  onRequest(listener: (request: ProxiedRequest) => void | Promise<void>): void;
  stop(): Promise<void>;
}

interface ActiveRule {
  rule: FaultRule;
  seen: number;
  failed: number;
}

/**
 * A small HTTP proxy on 127.0.0.1 in front of a real local service: it forwards every request,
 * except those a rule picks, which get the rule's canned AWS error (or are rewritten and then
 * forwarded). The SDK clients and our adapters see real HTTP failures, with no mock in between.
 * When the real service is down, the proxy cuts the client's connection, as a dead host would.
 */
export async function startFaultProxy(
  target: string,
  options: {
    /** Which exchanges `exchanges()` keeps (bodies add up under load); all when absent. */
    keep?: (request: ProxiedRequest) => boolean;
  } = {},
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const counts: Record<string, number> = {};
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const rules: ActiveRule[] = [];
  const log: Exchange[] = [];
  const listeners: ((request: ProxiedRequest) => void | Promise<void>)[] = [];
  const sockets = new Set<Socket>();

  function pick(request: ProxiedRequest): ActiveRule | undefined {
    for (const active of rules) {
      if (active.failed >= active.rule.limit || !active.rule.matches(request)) continue;
      const index = active.seen;
      active.seen += 1;
      if (active.rule.fails && !active.rule.fails(index)) continue;
      active.failed += 1;
      return active;
    }
    return undefined;
  }

  /** Answers one request: a rule's canned error, or the real service's answer. */
  async function relay(incoming: IncomingMessage, body: Buffer, outgoing: ServerResponse) {
    const target = incoming.headers['x-amz-target'];
    const request: ProxiedRequest = {
      method: incoming.method ?? 'GET',
      path: incoming.url ?? '/',
      headers: incoming.headers,
      body,
      ...(typeof target === 'string' ? { operation: target.split('.').pop() ?? target } : {}),
    };
    for (const listener of listeners) await listener(request);
    const exchange: Exchange = { request };
    if (!options.keep || options.keep(request)) log.push(exchange);
    const active = pick(request);
    let forwarded = body;
    if (active) {
      exchange.fault = active.rule.label;
      counts[active.rule.label] = (counts[active.rule.label] ?? 0) + 1;
      const { answer } = active.rule;
      if ('rewrite' in answer) {
        forwarded = answer.rewrite(body);
      } else if ('answerLost' in answer) {
        // Forwarded as it is below; the answer is then dropped.
      } else {
        exchange.status = answer.status;
        exchange.responseBody = Buffer.from(answer.body);
        outgoing.writeHead(answer.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(answer.body),
          ...answer.headers,
        });
        outgoing.end(answer.body);
        return;
      }
    }
    const { 'transfer-encoding': _chunked, ...headers } = incoming.headers;
    const cut = (error: Error) => {
      exchange.upstreamError = (error as NodeJS.ErrnoException).code ?? error.name;
      outgoing.socket?.destroy();
    };
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.path,
        headers: { ...headers, host: upstream.host, 'content-length': String(forwarded.length) },
        agent,
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (chunk: Buffer) => parts.push(chunk));
        response.on('error', cut);
        response.on('end', () => {
          const responseBody = Buffer.concat(parts);
          exchange.status = response.statusCode ?? 502;
          exchange.responseBody = responseBody;
          if (active && 'answerLost' in active.rule.answer) {
            outgoing.socket?.destroy();
            return;
          }
          const { 'transfer-encoding': _chunkedResponse, ...rest } = response.headers;
          outgoing.writeHead(exchange.status, {
            ...rest,
            'content-length': String(responseBody.length),
          });
          outgoing.end(responseBody);
        });
      },
    );
    forward.on('error', cut);
    forward.end(forwarded);
  }

  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      relay(incoming, Buffer.concat(chunks), outgoing).catch(() => outgoing.socket?.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    inject(rule) {
      rules.push({ rule, seen: 0, failed: 0 });
    },
    clear() {
      rules.length = 0;
    },
    injected: () => ({ ...counts }),
    exchanges: () => log,
    onRequest(listener) {
      listeners.push(listener);
    },
    async stop() {
      agent.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An SES v2 (REST-JSON) error: the type in `x-amzn-errortype`, the message in the body. */
export function sesError(status: number, type: string, message: string): FaultAnswer {
  return {
    status,
    headers: { 'x-amzn-errortype': type, 'x-amzn-requestid': 'fault-proxy' },
    body: JSON.stringify({ message }),
  };
}

/** A DynamoDB (JSON 1.0) error: the type in the body's `__type`, as DynamoDB sends it. */
export function dynamoError(type: string, message: string): FaultAnswer {
  return {
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'fault-proxy' },
    body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }),
  };
}

/** An EventBridge Scheduler (REST-JSON) error. */
export function schedulerError(status: number, type: string, message: string): FaultAnswer {
  return {
    status,
    headers: { 'x-amzn-errortype': type, 'x-amzn-requestid': 'fault-proxy' },
    body: JSON.stringify({ Message: message }),
  };
}

/** SES v2 `SendEmail`. */
export const isSendEmail = (request: ProxiedRequest): boolean =>
  request.method === 'POST' && request.path.startsWith('/v2/email/outbound-emails');

/** Scheduler `CreateSchedule`. */
export const isCreateSchedule = (request: ProxiedRequest): boolean =>
  request.method === 'POST' && request.path.startsWith('/schedules/');
