/**
 * `farewell doctor`'s judgement, pure: from what SES answered and what the link base URL's
 * health check answered, one check per concern, each ok or a to-do that says what to do, and
 * whether it blocks sending. No I/O here, so every wording is tested from SES-shaped answers.
 */
import type {
  AccountState,
  ConfigurationSetState,
  IdentityState,
  Probe,
  SesAccountReport,
} from '../functions/adapters/ses-account.js';

/** What the doctor checks against: a deployed stage, or the local stack `npm start` runs. */
export interface DoctorTarget {
  local: boolean;
  /** The stage name (`local` for the local stack). */
  stage: string;
  /** A production stage's links must survive a redeploy: no execute-api host. */
  production: boolean;
  region: string;
  /** The sender's domain, the SES identity; the only address-like value the doctor prints. */
  domain: string;
  /** The custom MAIL FROM domain the stage asks for, e.g. `mail.firm.example`. */
  mailFromDomain?: string;
  /** The base URL of emailed links; undefined when the settings give none. */
  publicUrl?: string;
}

export interface Check {
  name: string;
  ok: boolean;
  /** A to-do that stops emails from going out (the doctor then exits 1). */
  blocks: boolean;
  /** Does not apply to this target (local SES has no sandbox). */
  notApplicable?: boolean;
  detail: string;
  /** What to do, for a check that is not ok. */
  fix?: string;
}

/** The answer of `GET {publicUrl}/healthz`: its status, or why there was none. */
export type HealthAnswer = { status: number } | { error: string };

const ok = (name: string, detail: string): Check => ({ name, ok: true, blocks: false, detail });
const todo = (name: string, detail: string, fix: string, blocks = true): Check => ({
  name,
  ok: false,
  blocks,
  detail,
  fix,
});

const CREDENTIALS_FIX =
  'check the AWS credentials (AWS_PROFILE or the usual SDK chain) and that they may call ses:GetAccount, ses:GetEmailIdentity and ses:GetConfigurationSet* in the stage region';

const TIMEOUT_FIX =
  'check the network and the SES endpoint (AWS_ENDPOINT_URL_SESV2, when set), or try again with a longer --timeout';

function failed(name: string, what: string, probe: { error: string }, region: string): Check {
  const fix = probe.error.startsWith('TimeoutError') ? TIMEOUT_FIX : CREDENTIALS_FIX;
  return todo(name, `could not ask SES for ${what} in ${region} (${probe.error})`, fix);
}

function identityChecks(target: DoctorTarget, probe: Probe<IdentityState>): Check[] {
  // One line when SES gave no identity: DKIM and MAIL FROM cannot be judged without it.
  if (probe.state === 'failed') {
    return [failed('Sending identity', `the identity ${target.domain}`, probe, target.region)];
  }
  if (probe.state === 'not-found') {
    return [
      todo(
        'Sending identity',
        `SES has no identity ${target.domain} in ${target.region}, so neither DKIM nor MAIL FROM is set up`,
        `deploy the stage (\`npm run deploy -- -c stage=${target.stage}\`): its Stateful stack creates the identity`,
      ),
    ];
  }
  const identity = probe.value;
  return [
    verificationCheck(target, identity),
    dkimCheck(identity),
    mailFromCheck(target, identity),
  ];
}

const DKIM_RECORDS =
  'add the three DKIM CNAME records the Stateful stack printed (outputs DkimCname1 to DkimCname3) at your DNS host';

function verificationCheck(target: DoctorTarget, identity: IdentityState): Check {
  const name = 'Sending identity';
  if (identity.verifiedForSending) return ok(name, `${target.domain} is verified for sending`);
  const status = identity.verificationStatus ?? 'unknown';
  if (status === 'FAILED') {
    return todo(
      name,
      `SES gave up verifying ${target.domain} (FAILED)`,
      `${DKIM_RECORDS}, check that they resolve, then redeploy or restart verification in the SES console`,
    );
  }
  if (status === 'TEMPORARY_FAILURE') {
    return todo(
      name,
      `SES could not read the DNS of ${target.domain} just now (TEMPORARY_FAILURE)`,
      'check that the DKIM CNAME records resolve; SES keeps trying by itself for 72 hours',
    );
  }
  return todo(
    name,
    `${target.domain} is not verified yet (${status})`,
    `${DKIM_RECORDS}; SES verifies the domain within 72 hours of seeing them`,
  );
}

function dkimCheck(identity: IdentityState): Check {
  const name = 'DKIM';
  const status = identity.dkimStatus ?? 'unknown';
  if (status === 'SUCCESS' && identity.dkimSigningEnabled) {
    return ok(name, 'the DKIM records are verified and SES signs every email');
  }
  if (status === 'SUCCESS') {
    return todo(
      name,
      'the DKIM records are verified but signing is turned off',
      'turn DKIM signing on for the identity in the SES console (or redeploy the Stateful stack)',
    );
  }
  return todo(name, `the DKIM records are not verified (${status})`, DKIM_RECORDS);
}

function mailFromCheck(target: DoctorTarget, identity: IdentityState): Check {
  const name = 'MAIL FROM';
  const domain = identity.mailFromDomain ?? target.mailFromDomain;
  if (!identity.mailFromDomain) {
    return todo(
      name,
      'no custom MAIL FROM domain is set, so bounces come back to an amazonses.com address and SPF does not align with your domain',
      `redeploy the Stateful stack, which sets ${domain ?? `mail.${target.domain}`}`,
      false,
    );
  }
  const status = identity.mailFromStatus ?? 'unknown';
  if (status === 'SUCCESS') return ok(name, `${domain} is verified`);
  // With REJECT_MESSAGE (the stack's choice) SES refuses every send until the MX record is seen.
  const rejects = identity.mailFromOnMxFailure === 'REJECT_MESSAGE';
  return todo(
    name,
    `${domain} is not verified (${status})${rejects ? ' and SES refuses to send until it is' : ''}`,
    `add the MX record \`${domain} MX 10 feedback-smtp.${target.region}.amazonses.com\` and the SPF record \`${domain} TXT "v=spf1 include:amazonses.com ~all"\` (Stateful outputs MailFromMx and MailFromSpf)`,
    rejects,
  );
}

function count(value: number | undefined): string {
  if (value === undefined) return 'unknown';
  return value < 0 ? 'unlimited' : String(Math.round(value));
}

function accountChecks(target: DoctorTarget, probe: Probe<AccountState>): Check[] {
  if (probe.state !== 'found') {
    const error = probe.state === 'failed' ? probe : { error: 'no account answer' };
    return [failed('SES account', 'the account (sandbox, quotas)', error, target.region)];
  }
  const account = probe.value;
  return [productionCheck(target, account), sendingCheck(account), quotaCheck(account)];
}

function productionCheck(target: DoctorTarget, account: AccountState): Check {
  const name = 'Production access';
  if (account.productionAccess)
    return ok(name, `the account has production access in ${target.region}`);
  return todo(
    name,
    `the account is in the SES sandbox in ${target.region}: it can mail only verified addresses, ${count(account.max24HourSend)} a day`,
    `request production access in the SES console (Account dashboard, "Request production access") for ${target.region}`,
  );
}

function sendingCheck(account: AccountState): Check {
  const name = 'Sending enabled';
  const status = account.enforcementStatus ?? 'unknown';
  if (!account.sendingEnabled || status === 'SHUTDOWN') {
    return todo(
      name,
      `SES has paused sending for the account (reputation status ${status})`,
      'read the SES console reputation dashboard, correct the cause, then ask AWS to resume sending',
    );
  }
  if (status === 'PROBATION') {
    return todo(
      name,
      'sending works, but SES has put the account on probation',
      'read the SES console reputation dashboard and bring the bounce and complaint rates down before SES pauses sending',
      false,
    );
  }
  return ok(name, `sending is enabled (reputation status ${status})`);
}

function quotaCheck(account: AccountState): Check {
  const name = 'Send quota';
  const max = account.max24HourSend;
  const sent = account.sentLast24Hours ?? 0;
  const detail = `${count(sent)} of ${count(max)} sent in the last 24 hours, at most ${count(account.maxSendRate)} a second`;
  if (max === undefined || max < 0) return ok(name, detail);
  const raise =
    'ask for a higher quota in the Service Quotas console (Amazon SES, "Sending quota")';
  if (sent >= max) {
    return todo(
      name,
      `${detail}: the daily quota is used up`,
      `wait for the 24-hour window to move on, or ${raise}`,
    );
  }
  if (sent >= max * 0.8) {
    return todo(name, `${detail}: over 80 % of the daily quota is used`, raise, false);
  }
  return ok(name, detail);
}

const REDEPLOY_STATEFUL = 'redeploy the Stateful stack, which creates it';

function configurationSetChecks(
  target: DoctorTarget,
  probe: Probe<ConfigurationSetState> | undefined,
): Check[] {
  const name = 'Configuration set';
  if (!probe) {
    return [
      todo(
        name,
        'none is named (FAREWELL_SES_CONFIGURATION_SET) nor attached to the identity, so bounces and complaints never reach Farewell',
        REDEPLOY_STATEFUL,
        false,
      ),
    ];
  }
  if (probe.state === 'failed') {
    return [failed(name, 'the configuration set', probe, target.region)];
  }
  if (probe.state === 'not-found') {
    return [
      todo(
        name,
        'the configuration set Farewell sends with does not exist, so SES refuses every email',
        REDEPLOY_STATEFUL,
      ),
    ];
  }
  const set = probe.value;
  return [
    set.sendingEnabled
      ? ok(name, `${set.name} exists and sends`)
      : todo(
          name,
          `sending is paused on ${set.name}`,
          'resume sending for the configuration set in the SES console',
        ),
    eventDestinationCheck(set),
  ];
}

// What the Stateful stack publishes (`infra/cdk/ses-event-types.ts`): deliveries are not needed.
const NEEDED_EVENTS = ['BOUNCE', 'COMPLAINT'];

function eventDestinationCheck(set: ConfigurationSetState): Check {
  const name = 'Event destination';
  const bus = set.eventDestinations.find(
    (destination) => destination.enabled && destination.target === 'eventbridge',
  );
  if (!bus) {
    return todo(
      name,
      `${set.name} sends no enabled event to EventBridge, so bounces and complaints never reach Farewell and a bad address is mailed again`,
      REDEPLOY_STATEFUL,
      false,
    );
  }
  const missing = NEEDED_EVENTS.filter((event) => !bus.events.includes(event));
  if (missing.length > 0) {
    return todo(
      name,
      `${bus.name} does not send ${missing.join(', ')} events`,
      'redeploy the Stateful stack, which sends bounce and complaint events',
      false,
    );
  }
  return ok(name, `${bus.name} sends bounce and complaint events to EventBridge`);
}

/** Every SES check of a deployed stage. */
export function sesChecks(target: DoctorTarget, report: SesAccountReport): Check[] {
  // Without the identity's answer the default configuration set is unknown, not missing.
  const unknownSet = !report.configurationSet && report.identity.state !== 'found';
  return [
    ...identityChecks(target, report.identity),
    ...accountChecks(target, report.account),
    ...(unknownSet
      ? [
          todo(
            'Configuration set',
            'not checked: the identity, which names it, could not be read',
            'fix the sending identity first, then run the doctor again',
            false,
          ),
        ]
      : configurationSetChecks(target, report.configurationSet)),
  ];
}

const SES_CHECK_NAMES = [
  'Sending identity',
  'DKIM',
  'MAIL FROM',
  'Production access',
  'Sending enabled',
  'Send quota',
  'Configuration set',
  'Event destination',
];

/** The local SES emulator has no identities, sandbox or quotas: the same checks, not applicable. */
export function localSesChecks(): Check[] {
  return SES_CHECK_NAMES.map((name) => ({
    name,
    ok: true,
    blocks: false,
    notApplicable: true,
    detail: 'local SES: not applicable (sandbox rules do not apply)',
  }));
}

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])$/;

/** Whether the URL is one the doctor should ask for `/healthz` (checks the URL's form first). */
export function linkBaseCheck(target: DoctorTarget): Check {
  const name = 'Link base URL';
  const where = target.local
    ? 'the local stack settings to an https URL'
    : `appDomain of stage ${target.stage} in config/stages.ts (links then go to https://<appDomain>), or FAREWELL_PUBLIC_URL to an https URL`;
  if (!target.publicUrl) {
    return todo(
      name,
      'no link base URL is configured, so it cannot be checked',
      `set ${where} (the Stateless stack prints it as AppUrl)`,
    );
  }
  let url: URL;
  try {
    url = new URL(target.publicUrl);
  } catch {
    return todo(name, `${target.publicUrl} is not a URL`, `set ${where}`);
  }
  const loopback = url.protocol === 'http:' && LOOPBACK.test(url.hostname);
  if (url.protocol !== 'https:' && !(target.local && loopback)) {
    return todo(name, `${url.origin} is not https`, `set ${where}`);
  }
  if (url.hostname.endsWith('.amazonaws.com') && url.hostname.includes('.execute-api.')) {
    const detail = `${url.origin} is the API's own execute-api address, which changes when the Stateless stack is replaced and breaks every link already emailed`;
    if (target.production) {
      return todo(
        name,
        detail,
        `give stage ${target.stage} a custom domain (appDomain in config/stages.ts) and deploy again`,
      );
    }
    return ok(name, `${detail} (acceptable for ${target.stage}, not for production)`);
  }
  return ok(name, `${url.origin}${target.local ? ' (local stack)' : ''}`);
}

/** The health of the app behind the link base URL. */
export function healthCheck(target: DoctorTarget, answer: HealthAnswer): Check {
  const name = 'App health';
  const url = `${target.publicUrl ?? ''}/healthz`;
  const start = target.local ? 'start the local stack with `npm start`' : 'deploy the stage';
  if ('error' in answer) {
    return todo(
      name,
      `${url} did not answer (${answer.error})`,
      `${start}, and check the link base URL`,
    );
  }
  if (answer.status !== 200) {
    return todo(
      name,
      `${url} answered ${answer.status}, not 200`,
      target.local
        ? 'restart the local stack (`npm start`)'
        : 'read the web function logs in CloudWatch: the app cannot reach its table',
    );
  }
  return ok(name, `${url} answered 200`);
}

/** Local mode: the SES emulator that stands in for SES answers, so emails reach its inbox. */
export function localSesCheck(sesUrl: string, answer: HealthAnswer): Check {
  const name = 'Local SES';
  if ('status' in answer && answer.status === 200) {
    return ok(name, `the local SES inbox answers at ${sesUrl}`);
  }
  const why = 'error' in answer ? answer.error : `status ${answer.status}`;
  return todo(
    name,
    `the local SES at ${sesUrl} did not answer (${why})`,
    'restart the local stack (`npm start`)',
  );
}

/** One printed line per check: `ok`, `n/a` or `to do` with what to do. */
export function formatCheck(check: Check): string {
  if (check.notApplicable) return `n/a    ${check.name}: ${check.detail}`;
  if (check.ok) return `ok     ${check.name}: ${check.detail}`;
  const blocks = check.blocks ? ' (blocks sending)' : '';
  return `to do  ${check.name}${blocks}: ${check.detail}. To do: ${check.fix ?? 'see above'}.`;
}

/** The closing line, and whether anything blocks sending (the exit code is 1 then). */
export function summarize(checks: readonly Check[]): { line: string; blocked: boolean } {
  const todos = checks.filter((check) => !check.ok);
  const blocking = todos.filter((check) => check.blocks);
  if (todos.length === 0) return { line: 'Ready: nothing to do.', blocked: false };
  const things = `${todos.length} thing${todos.length === 1 ? '' : 's'} to do`;
  if (blocking.length === 0) {
    return { line: `${things}; none of them blocks sending.`, blocked: false };
  }
  return {
    line: `${things}; sending is blocked until ${blocking.length === todos.length ? (todos.length === 1 ? 'it is' : 'they are') : `${blocking.length} of them are`} done: ${blocking.map((check) => check.name).join(', ')}.`,
    blocked: true,
  };
}
