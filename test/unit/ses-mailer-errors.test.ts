/**
 * How the mailer classes SES's refusals. A local SES cannot produce the account-level answers
 * (sandbox, paused, quota, unverified identities), so a stub client throws the SDK's own error
 * classes, shaped as the SDK builds them from SES's answers.
 */
import {
  AccountSuspendedException,
  BadRequestException,
  LimitExceededException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  NotFoundException,
  type SESv2Client,
  SendingPausedException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { SesMailer } from '../../functions/adapters/ses-mailer.js';
import {
  PermanentSendError,
  SendingBlockedError,
  SendThrottledError,
  TransientError,
} from '../../functions/domain/errors.js';

const $metadata = { httpStatusCode: 400 };

/** A client that answers each send with the next of `answers` (an error is thrown). */
function stubClient(answers: (Error | { MessageId: string })[]): SESv2Client & { calls: number } {
  const client = {
    calls: 0,
    async send() {
      const answer = answers[Math.min(client.calls, answers.length - 1)];
      client.calls += 1;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return client as unknown as SESv2Client & { calls: number };
}

function mailer(client: SESv2Client): SesMailer {
  return new SesMailer(client, { fromEmail: 'hello@firm.example', throttleRetryDelaysMs: [0, 0] });
}

const email = { to: 'ada@client.example', subject: 'Thank you', html: '<p>Hi</p>', text: 'Hi' };

async function refusal(error: Error): Promise<unknown> {
  return mailer(stubClient([error]))
    .send(email)
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
}

describe('SesMailer classes SES refusals', () => {
  it.each([
    [
      'the sandbox (an unverified recipient)',
      new MessageRejected({
        $metadata,
        message:
          'Email address is not verified. The following identities failed the check in region EU-WEST-1: ada@client.example',
      }),
      'sandbox',
    ],
    [
      'our sender address not verified',
      new MessageRejected({
        $metadata,
        message:
          'Email address is not verified. The following identities failed the check in region EU-WEST-1: hello@firm.example, ada@client.example',
      }),
      'identity-not-verified',
    ],
    [
      'our sender domain not verified',
      new MessageRejected({
        $metadata,
        message:
          'Email address is not verified. The following identities failed the check in region EU-WEST-1: firm.example',
      }),
      'identity-not-verified',
    ],
    [
      'MAIL FROM domain not verified',
      new MailFromDomainNotVerifiedException({ $metadata, message: 'MAIL FROM not verified' }),
      'mail-from-not-verified',
    ],
    [
      'sending paused',
      new SendingPausedException({ $metadata, message: 'Sending is paused for this account.' }),
      'sending-paused',
    ],
    [
      'account suspended',
      new AccountSuspendedException({ $metadata, message: 'Sending is suspended.' }),
      'account-suspended',
    ],
    [
      'daily quota',
      new LimitExceededException({ $metadata, message: 'Daily message quota exceeded.' }),
      'daily-quota',
    ],
    [
      'a missing configuration set',
      new NotFoundException({ $metadata, message: 'Configuration set farewell does not exist.' }),
      'configuration-set-missing',
    ],
  ])('%s: sending is blocked, with the reason and a fix', async (_label, error, reason) => {
    const thrown = await refusal(error);

    expect(thrown).toBeInstanceOf(SendingBlockedError);
    expect(thrown).not.toBeInstanceOf(PermanentSendError);
    expect((thrown as SendingBlockedError).reason).toBe(reason);
    expect((thrown as SendingBlockedError).fix).toMatch(/\w{4,}/);
    // SES's text names the recipient: it never reaches our message.
    expect((thrown as Error).message).not.toContain('@');
  });

  it.each([
    ['TooManyRequestsException', new TooManyRequestsException({ $metadata, message: 'Too many' })],
    [
      'Maximum sending rate exceeded',
      new LimitExceededException({ $metadata, message: 'Maximum sending rate exceeded.' }),
    ],
    ['Throttling', Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata })],
  ])(
    'throttling (%s) is transient, retried with backoff and thrown only when it lasts',
    async (_l, error) => {
      const client = stubClient([error]);
      const thrown = await mailer(client)
        .send(email)
        .catch((e: unknown) => e);

      expect(thrown).toBeInstanceOf(SendThrottledError);
      expect(thrown).toBeInstanceOf(TransientError);
      // The first try and one per configured wait.
      expect(client.calls).toBe(3);
    },
  );

  it('a throttled send that gets through on a later try is sent once', async () => {
    const client = stubClient([
      new TooManyRequestsException({ $metadata, message: 'Maximum sending rate exceeded.' }),
      { MessageId: 'ses-1' },
    ]);

    await expect(mailer(client).send(email)).resolves.toEqual({ messageId: 'ses-1' });
    expect(client.calls).toBe(2);
  });

  it('a content rejection still fails the message, not the account', async () => {
    const thrown = await refusal(
      new MessageRejected({ $metadata, message: 'Message rejected: content not accepted.' }),
    );

    expect(thrown).toBeInstanceOf(PermanentSendError);
    expect((thrown as PermanentSendError).addressAtFault).toBe(false);
  });

  it('a malformed recipient fails the message and blames the address', async () => {
    const thrown = await refusal(
      new BadRequestException({ $metadata, message: 'Illegal address in the recipient list.' }),
    );

    expect(thrown).toBeInstanceOf(PermanentSendError);
    expect((thrown as PermanentSendError).addressAtFault).toBe(true);
  });
});
