/**
 * `farewell doctor`'s checks, from SES-shaped answers: a stub client answers each read command as
 * SES v2 would (the account states a local SES cannot produce: sandbox, paused, pending DNS), the
 * adapter maps them to its report, and the pure evaluation words each check.
 */
import {
  GetAccountCommand,
  type GetAccountCommandOutput,
  GetConfigurationSetCommand,
  type GetConfigurationSetCommandOutput,
  GetConfigurationSetEventDestinationsCommand,
  type GetConfigurationSetEventDestinationsCommandOutput,
  GetEmailIdentityCommand,
  type GetEmailIdentityCommandOutput,
  NotFoundException,
} from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import {
  type Check,
  type DoctorTarget,
  formatCheck,
  healthCheck,
  linkBaseCheck,
  localSesChecks,
  sesChecks,
  summarize,
} from '../../cli/doctor-checks.js';
import { readSesAccount, type SesReadClient } from '../../functions/adapters/ses-account.js';

type Answer<T> = Omit<T, '$metadata'> | Error;

interface Answers {
  account: Answer<GetAccountCommandOutput>;
  identity: Answer<GetEmailIdentityCommandOutput>;
  set: Answer<GetConfigurationSetCommandOutput>;
  destinations: Answer<GetConfigurationSetEventDestinationsCommandOutput>;
}

const READY: Answers = {
  account: {
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    EnforcementStatus: 'HEALTHY',
    SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 1_200 },
  },
  identity: {
    IdentityType: 'DOMAIN',
    VerificationStatus: 'SUCCESS',
    VerifiedForSendingStatus: true,
    DkimAttributes: { Status: 'SUCCESS', SigningEnabled: true },
    MailFromAttributes: {
      MailFromDomain: 'mail.firm.example',
      MailFromDomainStatus: 'SUCCESS',
      BehaviorOnMxFailure: 'REJECT_MESSAGE',
    },
    ConfigurationSetName: 'farewell-prod-set',
  },
  set: { ConfigurationSetName: 'farewell-prod-set', SendingOptions: { SendingEnabled: true } },
  destinations: {
    EventDestinations: [
      {
        Name: 'EmailEvents',
        Enabled: true,
        MatchingEventTypes: ['BOUNCE', 'COMPLAINT'],
        EventBridgeDestination: { EventBusArn: 'arn:aws:events:eu-west-1:1:event-bus/default' },
      },
    ],
  },
};

const PROD: DoctorTarget = {
  local: false,
  stage: 'prod',
  production: true,
  region: 'eu-west-1',
  domain: 'firm.example',
  mailFromDomain: 'mail.firm.example',
  publicUrl: 'https://exits.firm.example',
};

const notFound = () => new NotFoundException({ message: 'Identity does not exist', $metadata: {} });

/** Answers each command as SES would, and records the configuration set names asked for. */
function stubSes(answers: Partial<Answers>) {
  const all = { ...READY, ...answers };
  const asked: string[] = [];
  const client: SesReadClient = {
    async send(command) {
      const answer =
        command instanceof GetAccountCommand
          ? all.account
          : command instanceof GetEmailIdentityCommand
            ? all.identity
            : command instanceof GetConfigurationSetCommand
              ? all.set
              : all.destinations;
      if (command instanceof GetConfigurationSetEventDestinationsCommand) {
        asked.push(command.input.ConfigurationSetName ?? '');
      }
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { client, asked };
}

async function checksFor(
  answers: Partial<Answers>,
  options: { configurationSet?: string } = {},
): Promise<Check[]> {
  const { client } = stubSes(answers);
  const report = await readSesAccount(client, { identity: 'firm.example', ...options });
  return sesChecks(PROD, report);
}

function named(checks: Check[], name: string): Check {
  const check = checks.find((candidate) => candidate.name === name);
  if (!check) throw new Error(`no check named ${name}: ${checks.map((c) => c.name).join(', ')}`);
  return check;
}

describe('the SES checks of a deployed stage', () => {
  it('are all ok for a verified, production, healthy account', async () => {
    const checks = await checksFor({});

    expect(checks.map(formatCheck)).toEqual([
      'ok     Sending identity: firm.example is verified for sending',
      'ok     DKIM: the DKIM records are verified and SES signs every email',
      'ok     MAIL FROM: mail.firm.example is verified',
      'ok     Production access: the account has production access in eu-west-1',
      'ok     Sending enabled: sending is enabled (reputation status HEALTHY)',
      'ok     Send quota: 1200 of 50000 sent in the last 24 hours, at most 14 a second',
      'ok     Configuration set: farewell-prod-set exists and sends',
      'ok     Event destination: EmailEvents sends bounce and complaint events to EventBridge',
    ]);
    expect(summarize(checks)).toEqual({ line: 'Ready: nothing to do.', blocked: false });
  });

  it('asks for the DKIM records while the domain is pending, and that blocks sending', async () => {
    const checks = await checksFor({
      identity: {
        ...READY.identity,
        VerificationStatus: 'PENDING',
        VerifiedForSendingStatus: false,
        DkimAttributes: { Status: 'PENDING', SigningEnabled: true },
      },
    });

    expect(formatCheck(named(checks, 'Sending identity'))).toBe(
      'to do  Sending identity (blocks sending): firm.example is not verified yet (PENDING). To do: add the three DKIM CNAME records the Stateful stack printed (outputs DkimCname1 to DkimCname3) at your DNS host; SES verifies the domain within 72 hours of seeing them.',
    );
    expect(named(checks, 'DKIM')).toMatchObject({
      ok: false,
      blocks: true,
      detail: 'the DKIM records are not verified (PENDING)',
    });
  });

  it('says to restart verification once SES gave up on the domain', async () => {
    const checks = await checksFor({
      identity: {
        ...READY.identity,
        VerificationStatus: 'FAILED',
        VerifiedForSendingStatus: false,
      },
    });

    expect(named(checks, 'Sending identity').fix).toMatch(
      /restart verification in the SES console/,
    );
  });

  it('says to deploy when SES has no identity for the domain, in one line', async () => {
    const checks = await checksFor({ identity: notFound() });

    expect(checks.filter((check) => !check.ok).map(formatCheck)).toEqual([
      'to do  Sending identity (blocks sending): SES has no identity firm.example in eu-west-1, so neither DKIM nor MAIL FROM is set up. To do: deploy the stage (`npm run deploy -- -c stage=prod`): its Stateful stack creates the identity.',
      'to do  Configuration set: not checked: the identity, which names it, could not be read. To do: fix the sending identity first, then run the doctor again.',
    ]);
  });

  it('asks for the MAIL FROM MX and SPF records, blocking when SES rejects without them', async () => {
    const checks = await checksFor({
      identity: {
        ...READY.identity,
        MailFromAttributes: {
          MailFromDomain: 'mail.firm.example',
          MailFromDomainStatus: 'PENDING',
          BehaviorOnMxFailure: 'REJECT_MESSAGE',
        },
      },
    });

    expect(formatCheck(named(checks, 'MAIL FROM'))).toBe(
      'to do  MAIL FROM (blocks sending): mail.firm.example is not verified (PENDING) and SES refuses to send until it is. To do: add the MX record `mail.firm.example MX 10 feedback-smtp.eu-west-1.amazonses.com` and the SPF record `mail.firm.example TXT "v=spf1 include:amazonses.com ~all"` (Stateful outputs MailFromMx and MailFromSpf).',
    );
  });

  it('does not block on a pending MAIL FROM when SES falls back to its own domain', async () => {
    const checks = await checksFor({
      identity: {
        ...READY.identity,
        MailFromAttributes: {
          MailFromDomain: 'mail.firm.example',
          MailFromDomainStatus: 'PENDING',
          BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
        },
      },
    });

    expect(named(checks, 'MAIL FROM')).toMatchObject({ ok: false, blocks: false });
    expect(summarize(checks)).toEqual({
      line: '1 thing to do; none of them blocks sending.',
      blocked: false,
    });
  });

  it('asks for production access in the sandbox, naming the region and the daily limit', async () => {
    const checks = await checksFor({
      account: {
        ProductionAccessEnabled: false,
        SendingEnabled: true,
        EnforcementStatus: 'HEALTHY',
        SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 0 },
      },
    });

    expect(formatCheck(named(checks, 'Production access'))).toBe(
      'to do  Production access (blocks sending): the account is in the SES sandbox in eu-west-1: it can mail only verified addresses, 200 a day. To do: request production access in the SES console (Account dashboard, "Request production access") for eu-west-1.',
    );
    expect(summarize(checks)).toEqual({
      line: '1 thing to do; sending is blocked until it is done: Production access.',
      blocked: true,
    });
  });

  it('blocks when SES paused sending, and only warns on probation', async () => {
    const paused = await checksFor({
      account: { ...READY.account, SendingEnabled: false, EnforcementStatus: 'SHUTDOWN' },
    });
    const probation = await checksFor({
      account: { ...READY.account, EnforcementStatus: 'PROBATION' },
    });

    expect(named(paused, 'Sending enabled')).toMatchObject({
      ok: false,
      blocks: true,
      detail: 'SES has paused sending for the account (reputation status SHUTDOWN)',
    });
    expect(named(probation, 'Sending enabled')).toMatchObject({ ok: false, blocks: false });
  });

  it('blocks on a used-up daily quota, warns past 80 %, and reads -1 as unlimited', async () => {
    const quota = (sent: number, max: number) =>
      checksFor({
        account: {
          ...READY.account,
          SendQuota: { Max24HourSend: max, MaxSendRate: 14, SentLast24Hours: sent },
        },
      }).then((checks) => named(checks, 'Send quota'));

    expect(await quota(50_000, 50_000)).toMatchObject({
      ok: false,
      blocks: true,
      detail:
        '50000 of 50000 sent in the last 24 hours, at most 14 a second: the daily quota is used up',
    });
    expect(await quota(41_000, 50_000)).toMatchObject({ ok: false, blocks: false });
    expect(await quota(41_000, -1)).toMatchObject({
      ok: true,
      detail: '41000 of unlimited sent in the last 24 hours, at most 14 a second',
    });
  });

  it("checks the identity's own configuration set when the settings name none", async () => {
    const { client, asked } = stubSes({});

    await readSesAccount(client, { identity: 'firm.example' });
    await readSesAccount(client, { identity: 'firm.example', configurationSet: 'named-set' });

    expect(asked).toEqual(['farewell-prod-set', 'named-set']);
  });

  it('blocks when the configuration set Farewell sends with does not exist', async () => {
    const checks = await checksFor({ set: notFound(), destinations: notFound() });

    expect(formatCheck(named(checks, 'Configuration set'))).toBe(
      'to do  Configuration set (blocks sending): the configuration set Farewell sends with does not exist, so SES refuses every email. To do: redeploy the Stateful stack, which creates it.',
    );
  });

  it('asks for the EventBridge event destination without blocking sending', async () => {
    const none = await checksFor({ destinations: { EventDestinations: [] } });
    const partial = await checksFor({
      destinations: {
        EventDestinations: [
          {
            Name: 'EmailEvents',
            Enabled: true,
            MatchingEventTypes: ['DELIVERY'],
            EventBridgeDestination: { EventBusArn: 'arn:aws:events:eu-west-1:1:event-bus/default' },
          },
        ],
      },
    });

    expect(named(none, 'Event destination')).toMatchObject({
      ok: false,
      blocks: false,
      detail:
        'farewell-prod-set sends no enabled event to EventBridge, so bounces and complaints never reach Farewell and a bad address is mailed again',
    });
    expect(named(partial, 'Event destination').detail).toBe(
      'EmailEvents does not send BOUNCE, COMPLAINT events',
    );
  });

  it('names the SDK error and the credentials to check when SES cannot be asked', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform ses:GetAccount'), {
      name: 'AccessDeniedException',
    });
    const checks = await checksFor({ account: denied });

    expect(named(checks, 'SES account')).toMatchObject({
      ok: false,
      blocks: true,
      detail:
        'could not ask SES for the account (sandbox, quotas) in eu-west-1 (AccessDeniedException: User is not authorized to perform ses:GetAccount)',
    });
    expect(named(checks, 'SES account').fix).toMatch(/^check the AWS credentials/);
    expect(named(checks, 'Sending identity').ok).toBe(true);
  });

  it('prints an SDK error on one short line, and a timeout as such with its own advice', async () => {
    const noisy = Object.assign(new Error(`first line ${'x'.repeat(300)}\n  second line`), {
      name: 'InternalFailure',
    });
    const timedOut = Object.assign(new Error('a request has exceeded the configured timeout'), {
      name: 'TimeoutError',
    });
    const checks = await checksFor({ account: noisy, identity: timedOut });

    const account = named(checks, 'SES account').detail;
    expect(account).not.toContain('\n');
    expect(account).not.toContain('second line');
    expect(account.length).toBeLessThan(260);
    expect(named(checks, 'Sending identity')).toMatchObject({
      detail:
        'could not ask SES for the identity firm.example in eu-west-1 (TimeoutError: no answer in time)',
      fix: 'check the network and the SES endpoint (AWS_ENDPOINT_URL_SESV2, when set), or try again with a longer --timeout',
    });
  });
});

describe('the link base URL check', () => {
  it('blocks an execute-api host on a production stage: links must outlive a redeploy', () => {
    const check = linkBaseCheck({
      ...PROD,
      publicUrl: 'https://a1b2c3.execute-api.eu-west-1.amazonaws.com',
    });

    expect(check).toMatchObject({ ok: false, blocks: true });
    expect(check.fix).toBe(
      'give stage prod a custom domain (appDomain in config/stages.ts) and deploy again',
    );
  });

  it('accepts an execute-api host on dev, saying it would not do for production', () => {
    const check = linkBaseCheck({
      ...PROD,
      stage: 'dev',
      production: false,
      publicUrl: 'https://a1b2c3.execute-api.eu-west-1.amazonaws.com',
    });

    expect(check.ok).toBe(true);
    expect(check.detail).toMatch(/acceptable for dev, not for production\)$/);
  });

  it('accepts a custom https domain and refuses plain http off loopback', () => {
    expect(formatCheck(linkBaseCheck(PROD))).toBe(
      'ok     Link base URL: https://exits.firm.example',
    );
    expect(linkBaseCheck({ ...PROD, publicUrl: 'http://exits.firm.example' })).toMatchObject({
      ok: false,
      blocks: true,
      detail: 'http://exits.firm.example is not https',
    });
  });

  it('asks for a URL when the stage gives none', () => {
    const { publicUrl: _, ...target } = PROD;

    expect(linkBaseCheck(target)).toMatchObject({
      ok: false,
      blocks: true,
      fix: 'set appDomain of stage prod in config/stages.ts (links then go to https://<appDomain>), or FAREWELL_PUBLIC_URL to an https URL (the Stateless stack prints it as AppUrl)',
    });
  });

  it('is ok on a 200 from /healthz and a to-do on another status or no answer', () => {
    expect(healthCheck(PROD, { status: 200 }).ok).toBe(true);
    expect(formatCheck(healthCheck(PROD, { status: 503 }))).toBe(
      'to do  App health (blocks sending): https://exits.firm.example/healthz answered 503, not 200. To do: read the web function logs in CloudWatch: the app cannot reach its table.',
    );
    expect(healthCheck(PROD, { error: 'no answer within 5 s' }).detail).toBe(
      'https://exits.firm.example/healthz did not answer (no answer within 5 s)',
    );
  });
});

describe('the local stack', () => {
  it('reports every SES account check as not applicable', () => {
    const checks = localSesChecks();

    expect(checks.map((check) => check.name)).toEqual([
      'Sending identity',
      'DKIM',
      'MAIL FROM',
      'Production access',
      'Sending enabled',
      'Send quota',
      'Configuration set',
      'Event destination',
    ]);
    expect(formatCheck(checks[3] as Check)).toBe(
      'n/a    Production access: local SES: not applicable (sandbox rules do not apply)',
    );
    expect(summarize(checks).blocked).toBe(false);
  });
});
