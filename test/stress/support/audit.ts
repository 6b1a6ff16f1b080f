import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScheduleName } from '../../../functions/adapters/eventbridge-step-scheduler.js';
import type { Exit } from '../../../functions/domain/exit.js';
import { type Exchange, isSendEmail } from '../../support/fault-proxy.js';
import type { StressStack } from './stress-stack.js';

/** A step whose schedule should have fired this long ago is overdue (the reconciler's own margin). */
const OVERDUE_MS = 15 * 60_000;

/** One SendEmail the proxy saw: which step it was for, and whether SES accepted it. */
export interface SendAttempt {
  key: string;
  recipient: string;
  accepted: boolean;
  status?: number;
  fault?: string;
  messageId?: string;
}

export interface Audit {
  exits: number;
  steps: number;
  byState: Record<string, number>;
  /** `exitId/stepId: why` for every step that is neither done nor safely waiting. */
  lost: string[];
  /** Steps marked sent without an email SES accepted, or emails accepted for a step not sent. */
  inconsistent: string[];
  /** SendEmail calls SES accepted, and the emails in its store: the two must agree. */
  accepted: number;
  stored: number;
  /** Emails beyond the first per (recipient, step). */
  duplicates: number;
  /** Duplicates whose earlier copy SES accepted but no commit recorded: the lease window. */
  leaseWindowDuplicates: number;
  /** `exitId/stepId ×n` for duplicates the lease window does not explain. */
  unexplainedDuplicates: string[];
  attempts: SendAttempt[];
}

/** Every SendEmail that went through the SES proxy. */
export function sendAttempts(exchanges: readonly Exchange[]): SendAttempt[] {
  return exchanges
    .filter((exchange) => isSendEmail(exchange.request))
    .map((exchange) => {
      const body = JSON.parse(exchange.request.body.toString('utf8')) as {
        Destination?: { ToAddresses?: string[] };
        EmailTags?: { Name: string; Value: string }[];
      };
      const tag = (name: string) => body.EmailTags?.find((t) => t.Name === name)?.Value ?? '?';
      const accepted = exchange.status === 200;
      const messageId = accepted
        ? (JSON.parse(exchange.responseBody?.toString('utf8') ?? '{}') as { MessageId?: string })
            .MessageId
        : undefined;
      return {
        key: `${tag('exit')}/${tag('step')}`,
        recipient: body.Destination?.ToAddresses?.[0] ?? '?',
        accepted,
        ...(exchange.status === undefined ? {} : { status: exchange.status }),
        ...(exchange.fault ? { fault: exchange.fault } : {}),
        ...(messageId ? { messageId } : {}),
      };
    });
}

/** String values of the UpdateItem calls DynamoDB applied: a sent step's message id is one. */
function committedValues(exchanges: readonly Exchange[]): Set<string> {
  const values = new Set<string>();
  for (const exchange of exchanges) {
    if (exchange.request.operation !== 'UpdateItem' || exchange.status !== 200) continue;
    const body = JSON.parse(exchange.request.body.toString('utf8')) as {
      ExpressionAttributeValues?: Record<string, { S?: string }>;
    };
    for (const value of Object.values(body.ExpressionAttributeValues ?? {})) {
      if (value.S) values.add(value.S);
    }
  }
  return values;
}

async function storedEmails(sesUrl: string): Promise<{ destination: { to: string[] } }[]> {
  const response = await fetch(`${sesUrl}/store`);
  return ((await response.json()) as { emails: { destination: { to: string[] } }[] }).emails;
}

/**
 * Checks the invariant over the given exits: every step is sent, skipped or failed with a
 * reason, or still waiting with a live schedule and a due time ahead — none lost — and counts the
 * emails per (recipient, step) from what SES accepted on the wire.
 */
export async function auditExits(stack: StressStack, exitIds: readonly string[]): Promise<Audit> {
  const now = stack.clock.now().getTime();
  const pending = new Set(
    stack.scheduler.list().flatMap((record) => {
      const parsed = record.completedAt === undefined ? parseScheduleName(record.Name) : undefined;
      return parsed ? [`${parsed.exitId}/${parsed.stepId}`] : [];
    }),
  );
  const exits: Exit[] = [];
  for (const id of exitIds) {
    const exit = await stack.store.get(id);
    if (exit) exits.push(exit);
  }
  const attempts = sendAttempts(stack.proxies.ses.exchanges());
  const acceptedByKey = new Map<string, SendAttempt[]>();
  for (const attempt of attempts) {
    if (!attempt.accepted) continue;
    acceptedByKey.set(attempt.key, [...(acceptedByKey.get(attempt.key) ?? []), attempt]);
  }
  const committed = committedValues(stack.proxies.dynamodb.exchanges());

  const audit: Audit = {
    exits: exits.length,
    steps: 0,
    byState: {},
    lost: exitIds.filter((id) => !exits.some((exit) => exit.id === id)).map((id) => `${id}: gone`),
    inconsistent: [],
    accepted: attempts.filter((attempt) => attempt.accepted).length,
    stored: (await storedEmails(stack.sesUrl)).length,
    duplicates: 0,
    leaseWindowDuplicates: 0,
    unexplainedDuplicates: [],
    attempts,
  };
  for (const exit of exits) {
    for (const step of Object.values(exit.steps)) {
      const key = `${exit.id}/${step.id}`;
      audit.steps += 1;
      audit.byState[step.state] = (audit.byState[step.state] ?? 0) + 1;
      if (step.state === 'sending') audit.lost.push(`${key}: still sending`);
      if ((step.state === 'failed' || step.state === 'skipped') && !step.reason) {
        audit.lost.push(`${key}: ${step.state} without a reason`);
      }
      if (step.state === 'scheduled') {
        if (!pending.has(key)) audit.lost.push(`${key}: scheduled without a schedule`);
        if (Date.parse(step.dueAt) < now - OVERDUE_MS) audit.lost.push(`${key}: overdue`);
      }
      const sends = acceptedByKey.get(key) ?? [];
      if (step.state === 'sent' && !sends.some((send) => send.messageId === step.messageId)) {
        audit.inconsistent.push(`${key}: sent, but SES accepted no email with its message id`);
      }
      if (step.state !== 'sent' && sends.length > 0) {
        audit.inconsistent.push(`${key}: ${step.state}, but SES accepted ${sends.length} email(s)`);
      }
      if (sends.length > 1) {
        const extra = sends.length - 1;
        const uncommitted = sends.filter((send) => !committed.has(send.messageId ?? '')).length;
        const explained = Math.min(extra, uncommitted);
        audit.duplicates += extra;
        audit.leaseWindowDuplicates += explained;
        if (explained < extra) audit.unexplainedDuplicates.push(`${key} ×${sends.length}`);
      }
    }
  }
  return audit;
}

/** Emails per recipient in the SES store (the count), to compare with the wire. */
export async function emailsPerRecipient(sesUrl: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const email of await storedEmails(sesUrl)) {
    for (const to of email.destination.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}

export interface ScenarioRow {
  scenario: string;
  faults: Record<string, number>;
  exits: number;
  steps: number;
  byState: Record<string, number>;
  emails: number;
  duplicates: number;
  leaseWindowDuplicates: number;
  lost: number;
  functionErrors: number;
  /** Function errors by cause, e.g. `TransientError: SES send failed (InternalFailure 500)`. */
  functionErrorCauses: Record<string, number>;
  deadLettered: number;
  reconcilerRepairs: number;
  seconds: number;
  notes?: string;
}

/** Prints a scenario's row and keeps it under `test-artifacts/stress/` for the note. */
export function report(row: ScenarioRow): void {
  const dir = join(process.cwd(), 'test-artifacts', 'stress');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${row.scenario}.json`), `${JSON.stringify(row, null, 2)}\n`);
  const faults =
    Object.entries(row.faults)
      .map(([label, count]) => `${label} ×${count}`)
      .join(', ') || 'none';
  const states = Object.entries(row.byState)
    .map(([state, count]) => `${state} ${count}`)
    .join(', ');
  console.log(
    [
      `[stress] ${row.scenario} (${row.seconds.toFixed(1)} s)`,
      `  faults injected: ${faults}`,
      `  exits ${row.exits}, steps ${row.steps} (${states})`,
      `  emails ${row.emails}, duplicates ${row.duplicates} (lease window ${row.leaseWindowDuplicates}), lost ${row.lost}`,
      `  send-step function errors ${row.functionErrors}, dead-lettered ${row.deadLettered}, reconciler repairs ${row.reconcilerRepairs}`,
      ...Object.entries(row.functionErrorCauses).map(([cause, count]) => `    ${cause} ×${count}`),
      ...(row.notes ? [`  ${row.notes}`] : []),
    ].join('\n'),
  );
}
