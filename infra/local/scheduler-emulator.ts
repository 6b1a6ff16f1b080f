import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkName,
  type ScheduleRecord,
  SchedulerApiError,
  ScheduleStore,
  type WindowSpread,
} from './scheduler-emulator-store.js';

export type { ScheduleRecord, WindowSpread } from './scheduler-emulator-store.js';

export interface SchedulerEmulatorOptions {
  /** Interface to bind; loopback unless told otherwise. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** JSON file the schedules are kept in across restarts; in memory only when absent. */
  storeFile?: string;
  /** Decides what is due; local mode passes its virtual clock. */
  clock: { now(): Date };
  /** Delivers a fired schedule's input to its target, e.g. runs the send-step handler. */
  invoke: (targetArn: string, input: string) => Promise<void>;
  /** Told when `invoke` throws. Defaults to logging the schedule name only (inputs may be personal). */
  onError?: (error: unknown, scheduleName: string) => void;
  /** Real milliseconds between background checks for due schedules. */
  tickMs?: number;
  /**
   * Where in its flexible time window each schedule fires (0 to just under 1). Defaults to a
   * fraction derived from the schedule, spread evenly and stable across restarts.
   */
  windowSpread?: WindowSpread;
}

export interface SchedulerEmulator {
  /** `http://host:port`, for the SDK's `endpoint`. */
  endpoint: string;
  /**
   * Fires every enabled one-time schedule due at or before `until` (default: the clock's now;
   * a schedule with a flexible time window is due at its moment inside the window),
   * earliest first, waiting for each invocation. Schedules that become due while it runs (created
   * by an invoked target) fire too. Returns how many fired.
   */
  fireDue(until?: Date): Promise<number>;
  /** The earliest time a pending one-time schedule fires, if any. */
  nextDueAt(): Date | undefined;
  /** Whether a firing is running or waiting to run (its targets may be sending). */
  firing(): boolean;
  /** Resolves once the firings started so far are done. */
  idle(): Promise<void>;
  /** A copy of every stored schedule, for tests and tooling. */
  list(): ScheduleRecord[];
  /** Stops the background timer, waits for a firing in progress and closes the server. */
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const SCHEDULE_PATH = /^\/schedules\/([^/]+)$/;

/** Starts an EventBridge Scheduler emulator speaking the REST-JSON API of `@aws-sdk/client-scheduler`. */
export async function startSchedulerEmulator(
  options: SchedulerEmulatorOptions,
): Promise<SchedulerEmulator> {
  const { clock, invoke } = options;
  const onError =
    options.onError ??
    ((_error: unknown, name: string) =>
      console.error(`Scheduler emulator: the target of schedule ${name} failed`));
  const store = await ScheduleStore.open(options.storeFile, clock, options.windowSpread);

  const server = createServer((request, response) => {
    void handle(store, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  async function fireAll(until: Date): Promise<number> {
    let fired = 0;
    for (let next = store.nextDue(until); next; next = store.nextDue(until)) {
      try {
        // Without Input, Scheduler sends an empty JSON object to a templated target.
        await invoke(next.Target.Arn, next.Target.Input ?? '{}');
      } catch (error) {
        // Scheduler invokes Lambda asynchronously: the function's failure and retries belong to
        // Lambda, so the schedule completes anyway.
        onError(error, next.Name);
      }
      await store.complete(next);
      fired += 1;
    }
    return fired;
  }

  // Runs one after another, so a schedule never fires twice from overlapping runs.
  let queue: Promise<unknown> = Promise.resolve();
  let running = 0;
  function fireDue(until?: Date): Promise<number> {
    running += 1;
    const run = queue
      .then(() => fireAll(until ?? clock.now()))
      .finally(() => {
        running -= 1;
      });
    queue = run.catch(() => undefined);
    return run;
  }

  const timer = setInterval(() => {
    if (running > 0) return;
    fireDue().catch((error: unknown) =>
      console.error('Scheduler emulator: firing due schedules failed', error),
    );
  }, options.tickMs ?? 250);
  timer.unref();

  return {
    endpoint: `http://${host}:${address.port}`,
    fireDue,
    nextDueAt: () => store.nextDueTime(),
    firing: () => running > 0,
    idle: () => queue.then(() => undefined),
    list: () => structuredClone(store.list()),
    async stop() {
      clearInterval(timer);
      // A target still running may call this API, so the server closes after the firing ends.
      await queue;
      await store.flush();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
}

async function handle(
  store: ScheduleStore,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    const body = await readBody(request);
    send(response, 200, await route(store, request.method ?? 'GET', request.url ?? '/', body));
  } catch (error) {
    if (error instanceof SchedulerApiError) {
      send(response, error.status, { message: error.message }, error.type);
    } else {
      console.error('Scheduler emulator: request failed', error);
      send(response, 500, { message: 'Internal error' }, 'InternalServerException');
    }
  }
}

async function route(
  store: ScheduleStore,
  method: string,
  rawUrl: string,
  body: unknown,
): Promise<unknown> {
  const url = new URL(rawUrl, 'http://localhost');
  const query = url.searchParams;
  if (url.pathname === '/schedules' && method === 'GET') return listSchedules(store, query);
  const encoded = SCHEDULE_PATH.exec(url.pathname)?.[1];
  if (encoded !== undefined) {
    const name = decodeName(encoded);
    const group = query.get('groupName') ?? undefined;
    switch (method) {
      case 'POST':
        return { ScheduleArn: (await store.create(name, body)).Arn };
      case 'PUT':
        return { ScheduleArn: (await store.update(name, body)).Arn };
      case 'GET': {
        const {
          completedAt: _completed,
          revision: _revision,
          ...schedule
        } = store.get(group, name);
        return schedule;
      }
      case 'DELETE':
        await store.delete(group, name);
        return {};
    }
  }
  throw new SchedulerApiError(
    404,
    'UnknownOperationException',
    `No operation ${method} ${url.pathname}.`,
  );
}

function listSchedules(store: ScheduleStore, query: URLSearchParams): unknown {
  const state = query.get('State') ?? undefined;
  if (state !== undefined && state !== 'ENABLED' && state !== 'DISABLED') {
    throw new SchedulerApiError(400, 'ValidationException', 'State must be ENABLED or DISABLED.');
  }
  const maxResults = Number(query.get('MaxResults') ?? 100);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    throw new SchedulerApiError(400, 'ValidationException', 'MaxResults must be from 1 to 100.');
  }
  const group = query.get('ScheduleGroup') ?? undefined;
  const all = store.list({
    groupName: group === undefined ? undefined : checkName(group, 'ScheduleGroup'),
    namePrefix: query.get('NamePrefix') ?? undefined,
    state,
  });
  // The token is the key of the last schedule returned, so deletions between pages skip nothing.
  const token = query.get('NextToken');
  const after = token === null ? undefined : Buffer.from(token, 'base64url').toString('utf8');
  const rest = after === undefined ? all : all.filter((s) => `${s.GroupName}/${s.Name}` > after);
  const page = rest.slice(0, maxResults);
  const last = page.at(-1);
  return {
    Schedules: page.map((s) => ({
      Arn: s.Arn,
      Name: s.Name,
      GroupName: s.GroupName,
      State: s.State,
      CreationDate: s.CreationDate,
      LastModificationDate: s.LastModificationDate,
      Target: { Arn: s.Target.Arn },
    })),
    NextToken:
      rest.length > maxResults && last
        ? Buffer.from(`${last.GroupName}/${last.Name}`).toString('base64url')
        : undefined,
  };
}

function decodeName(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new SchedulerApiError(400, 'ValidationException', 'The schedule name is not valid.');
  }
}

/** Reads a JSON body up to 1 MB; an empty body is `{}`. */
async function readBody(request: IncomingMessage): Promise<unknown> {
  const tooLarge = () =>
    new SchedulerApiError(413, 'RequestEntityTooLargeException', 'Request body over 1 MB.');
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  // Events rather than `for await`: leaving that loop early destroys the socket, and the 413
  // could not be sent.
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      request.off('data', onData);
      request.pause();
      reject(tooLarge());
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
  });
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new SchedulerApiError(400, 'ValidationException', 'The request body is not valid JSON.');
  }
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    // An unread body is left behind on a 413; the connection cannot be reused.
    ...(status === 413 ? { connection: 'close' } : {}),
  });
  response.end(text);
}
