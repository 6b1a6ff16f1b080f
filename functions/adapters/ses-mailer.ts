import {
  type SESv2Client,
  SendEmailCommand,
  type SendEmailCommandOutput,
} from '@aws-sdk/client-sesv2';
import {
  PermanentSendError,
  type SendingBlockedReason,
  SendThrottledError,
  TransientError,
} from '../domain/errors.js';
import type { Mailer, OutgoingEmail } from '../domain/ports.js';
import { sendingBlocked } from '../domain/sending-blocked.js';

export interface SesMailerOptions {
  fromEmail: string;
  fromName?: string;
  replyTo?: string;
  configurationSetName?: string;
  /** Waits before trying a throttled send again (jittered); the default suits a Lambda. */
  throttleRetryDelaysMs?: readonly number[];
}

/**
 * SES errors that mean this message can never be sent as it is. `MessageRejected` is one only
 * when it is not the sandbox's or an unverified identity's refusal (see `accountRefusal`).
 */
const PERMANENT = new Set(['MessageRejected', 'BadRequestException']);

/** SES errors that refuse every message of the account, not this one: sending waits. */
const BLOCKED_BY_NAME: Record<string, SendingBlockedReason> = {
  MailFromDomainNotVerifiedException: 'mail-from-not-verified',
  SendingPausedException: 'sending-paused',
  // SES v1 names, in case an endpoint or proxy answers with them.
  AccountSendingPausedException: 'sending-paused',
  ConfigurationSetSendingPausedException: 'sending-paused',
  AccountSuspendedException: 'account-suspended',
  // `SendEmail` names no other resource we could be missing: the configuration set.
  NotFoundException: 'configuration-set-missing',
  ConfigurationSetDoesNotExistException: 'configuration-set-missing',
  // The account's own limit on messages; the sending rate says so in its message (below).
  LimitExceededException: 'daily-quota',
};

/** SES errors that mean "slow down": the sending rate was exceeded. */
const THROTTLED = new Set([
  'TooManyRequestsException',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
]);

/**
 * Extra waits before trying again after a throttled send, on top of the SDK's own retries; each
 * is jittered (half to all of it) so a burst of senders does not retry in step.
 */
const THROTTLE_RETRY_DELAYS_MS = [250, 1_000, 4_000];

const HEADER_UNSAFE = /[\r\n]/;

/** RFC 5322 display name: quoted when ASCII, RFC 2047 encoded-word otherwise. */
export function formatAddress(email: string, name?: string): string {
  if (!name) return email;
  if (HEADER_UNSAFE.test(name)) throw new PermanentSendError('sender name contains a line break');
  // Printable ASCII only may go in a quoted string; anything else is encoded.
  if (/^[\x20-\x7e]*$/.test(name)) return `"${name.replace(/["\\]/g, '\\$&')}" <${email}>`;
  return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?= <${email}>`;
}

/** The text after the last `:` of a "not verified" refusal: the identities that failed. */
function failedIdentities(message: string): string[] {
  const list = message.slice(message.lastIndexOf(':') + 1);
  return list
    .split(/[\s,]+/)
    .map((identity) => identity.trim().toLowerCase())
    .filter((identity) => identity.length > 0);
}

/**
 * Why SES refused the account rather than the message, if it did. "Email address is not
 * verified" names the identities that failed: ours (the sender address or its domain) means our
 * identity is not verified; only a recipient means the account is still in the sandbox.
 */
function accountRefusal(
  name: string,
  message: string,
  fromEmail: string,
): SendingBlockedReason | undefined {
  if (/daily message quota/i.test(message)) return 'daily-quota';
  if (/maximum sending rate/i.test(message) || THROTTLED.has(name)) return undefined;
  const byName = BLOCKED_BY_NAME[name];
  if (byName) return byName;
  if (name === 'MessageRejected' && /not verified/i.test(message)) {
    const sender = fromEmail.toLowerCase();
    const ours = new Set([sender, sender.slice(sender.lastIndexOf('@') + 1)]);
    return failedIdentities(message).some((identity) => ours.has(identity))
      ? 'identity-not-verified'
      : 'sandbox';
  }
  if (name === 'MessageRejected' && /sandbox/i.test(message)) return 'sandbox';
  return undefined;
}

function isThrottled(name: string, message: string): boolean {
  return THROTTLED.has(name) || /maximum sending rate/i.test(message);
}

/**
 * SES's refusal as a domain error. Only the error's name goes into our messages: SES's own text
 * may quote the recipient's address, which must not reach a log or the timeline.
 */
function classify(error: unknown, fromEmail: string): Error {
  const name = error instanceof Error ? error.name : 'Unknown';
  const message = error instanceof Error ? error.message : '';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const blocked = accountRefusal(name, message, fromEmail);
  if (blocked) return sendingBlocked(blocked, { cause: error });
  if (isThrottled(name, message)) {
    return new SendThrottledError(`SES throttled the send (${name})`, { cause: error });
  }
  // aws-ses-v2-local answers every error as `Unknown`; its 400s are rejections of the message.
  if (PERMANENT.has(name) || (name === 'Unknown' && status === 400)) {
    // A malformed recipient is the address's fault; a content rejection is not.
    const addressAtFault =
      name === 'BadRequestException' &&
      /(invalid|illegal|missing|malformed).{0,40}(address|recipient|domain|mailbox)/i.test(message);
    return new PermanentSendError(`SES rejected the message (${name})`, {
      cause: error,
      addressAtFault,
    });
  }
  return new TransientError(`SES send failed (${name}${status ? ` ${status}` : ''})`, {
    cause: error,
  });
}

function jittered(delayMs: number): number {
  return delayMs / 2 + Math.random() * (delayMs / 2);
}

/** Mailer on SES v2 `SendEmail` with Simple content, which keeps our custom headers. */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly options: SesMailerOptions,
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const headers = Object.entries(email.headers ?? {});
    if (HEADER_UNSAFE.test(email.subject) || headers.some(([k, v]) => HEADER_UNSAFE.test(k + v))) {
      throw new PermanentSendError('a header contains a line break');
    }
    const command = new SendEmailCommand({
      FromEmailAddress: formatAddress(this.options.fromEmail, this.options.fromName),
      Destination: { ToAddresses: [email.to] },
      ...(this.options.replyTo ? { ReplyToAddresses: [this.options.replyTo] } : {}),
      ...(this.options.configurationSetName
        ? { ConfigurationSetName: this.options.configurationSetName }
        : {}),
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Html: { Data: email.html, Charset: 'UTF-8' },
            Text: { Data: email.text, Charset: 'UTF-8' },
          },
          ...(headers.length > 0
            ? { Headers: headers.map(([Name, Value]) => ({ Name, Value })) }
            : {}),
        },
      },
      ...(email.tags
        ? {
            EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({
              Name,
              Value: Value.replace(/[^A-Za-z0-9_-]/g, '_'),
            })),
          }
        : {}),
    });
    const result = await this.sendWithBackoff(command);
    const messageId = result.MessageId;
    if (!messageId) throw new TransientError('SES accepted the message without a message id');
    return { messageId };
  }

  /**
   * Sends, waiting and trying again while SES says the sending rate is exceeded; still throttled
   * after the last wait, it throws `SendThrottledError` (the sender defers the step).
   */
  private async sendWithBackoff(command: SendEmailCommand): Promise<SendEmailCommandOutput> {
    const delays = this.options.throttleRetryDelaysMs ?? THROTTLE_RETRY_DELAYS_MS;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.client.send(command);
      } catch (error) {
        const classified = classify(error, this.options.fromEmail);
        const delay = delays[attempt];
        if (!(classified instanceof SendThrottledError) || delay === undefined) throw classified;
        await new Promise((resolve) => setTimeout(resolve, jittered(delay)));
      }
    }
  }
}
