import { beforeEach, describe, expect, it } from 'vitest';
import { formatAddress, SesMailer } from '../../functions/adapters/ses-mailer.js';
import { PermanentSendError, TransientError } from '../../functions/domain/errors.js';
import { localSesClient } from '../support/local-clients.js';
import { startSesLocal } from '../support/local-services.js';
import { startForFile } from '../support/start-for-file.js';

interface StoredEmail {
  from: string;
  replyTo: string[];
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
}

const ses = startForFile(startSesLocal);

function mailerFor(endpoint: string): SesMailer {
  return new SesMailer(localSesClient(endpoint), {
    fromEmail: 'hello@firm.example',
    fromName: 'Northwind Consulting',
    replyTo: 'owner@firm.example',
  });
}

async function sentEmails(): Promise<StoredEmail[]> {
  const response = await fetch(`${ses.endpoint}/store`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

const message = {
  to: 'client@example.com',
  subject: 'Our work together ends on Friday',
  html: '<p>Dear Ada,</p>',
  text: 'Dear Ada,\n',
};

beforeEach(async () => {
  await fetch(`${ses.endpoint}/clear-store`, { method: 'POST' });
});

describe('SesMailer against aws-ses-v2-local', () => {
  it('sends subject, HTML and text to the client with the sender and reply-to', async () => {
    const result = await mailerFor(ses.endpoint).send(message);

    const [email] = await sentEmails();
    expect(result.messageId).toMatch(/\S+/);
    expect(email?.destination.to).toEqual(['client@example.com']);
    expect(email?.from).toBe('"Northwind Consulting" <hello@firm.example>');
    expect(email?.replyTo).toEqual(['owner@firm.example']);
    expect(email?.subject).toBe(message.subject);
    expect(email?.body).toEqual({ html: message.html, text: message.text });
  });

  it('keeps custom headers such as List-Unsubscribe', async () => {
    await mailerFor(ses.endpoint).send({
      ...message,
      headers: {
        'List-Unsubscribe': '<https://farewell.example/u/abc>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });

    const [email] = await sentEmails();
    expect(email?.headers).toEqual(
      expect.arrayContaining([
        { name: 'List-Unsubscribe', value: '<https://farewell.example/u/abc>' },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ]),
    );
  });

  it('refuses a subject with a line break before anything is sent', async () => {
    const sending = mailerFor(ses.endpoint).send({
      ...message,
      subject: 'Hi\r\nBcc: x@evil.example',
    });

    await expect(sending).rejects.toBeInstanceOf(PermanentSendError);
    expect(await sentEmails()).toHaveLength(0);
  });

  it('refuses a header value with a line break', async () => {
    const sending = mailerFor(ses.endpoint).send({
      ...message,
      headers: { 'List-Unsubscribe': '<https://x.example>\nBcc: x@evil.example' },
    });

    await expect(sending).rejects.toBeInstanceOf(PermanentSendError);
  });

  it('treats a message SES rejects as a permanent failure', async () => {
    // aws-ses-v2-local accepts any address but rejects an empty subject with a 400.
    const sending = mailerFor(ses.endpoint).send({ ...message, subject: '' });

    await expect(sending).rejects.toBeInstanceOf(PermanentSendError);
  });

  it('treats an unreachable SES as a transient failure', async () => {
    const sending = mailerFor('http://127.0.0.1:9').send(message);

    await expect(sending).rejects.toBeInstanceOf(TransientError);
  });
});

describe('formatAddress', () => {
  it('quotes an ASCII display name', () => {
    expect(formatAddress('a@firm.example', 'Smith "and" Co')).toBe(
      '"Smith \\"and\\" Co" <a@firm.example>',
    );
  });

  it('encodes a non-ASCII display name as an RFC 2047 encoded word', () => {
    expect(formatAddress('a@firm.example', 'Café Conseil')).toBe(
      `=?UTF-8?B?${Buffer.from('Café Conseil').toString('base64')}?= <a@firm.example>`,
    );
  });

  it('rejects a display name with a line break', () => {
    expect(() => formatAddress('a@firm.example', 'Evil\r\nBcc: x@evil.example')).toThrow(
      PermanentSendError,
    );
  });
});
