import {
  type SESv2Client,
  SendEmailCommand,
  type SendEmailCommandOutput,
} from '@aws-sdk/client-sesv2';
import { PermanentSendError, TransientError } from '../domain/errors.js';
import type { Mailer, OutgoingEmail } from '../domain/ports.js';

export interface SesMailerOptions {
  fromEmail: string;
  fromName?: string;
  replyTo?: string;
  configurationSetName?: string;
}

/** SES errors that mean this message can never be sent as it is. */
const PERMANENT = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
]);

const HEADER_UNSAFE = /[\r\n]/;

/** RFC 5322 display name: quoted when ASCII, RFC 2047 encoded-word otherwise. */
export function formatAddress(email: string, name?: string): string {
  if (!name) return email;
  if (HEADER_UNSAFE.test(name)) throw new PermanentSendError('sender name contains a line break');
  // Printable ASCII only may go in a quoted string; anything else is encoded.
  if (/^[\x20-\x7e]*$/.test(name)) return `"${name.replace(/["\\]/g, '\\$&')}" <${email}>`;
  return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?= <${email}>`;
}

function classify(error: unknown): Error {
  const name = error instanceof Error ? error.name : 'Unknown';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  // aws-ses-v2-local answers every error as `Unknown`; its 400s are rejections of the message.
  if (PERMANENT.has(name) || (name === 'Unknown' && status === 400)) {
    const message = error instanceof Error ? error.message : '';
    // A malformed recipient is the address's fault; a sandbox or content rejection is not.
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
    let result: SendEmailCommandOutput;
    try {
      result = await this.client.send(command);
    } catch (error) {
      throw classify(error);
    }
    const messageId = result.MessageId;
    if (!messageId) throw new TransientError('SES accepted the message without a message id');
    return { messageId };
  }
}
