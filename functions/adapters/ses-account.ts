/**
 * What SES says about the account's readiness to send, for `farewell doctor`: the account
 * (sandbox, quotas, paused), the sender's domain identity (verification, DKIM, MAIL FROM) and the
 * configuration set with its event destinations. Read-only calls; each answer becomes a plain
 * report the CLI evaluates without the SDK, so the wording is testable from SES-shaped answers.
 */
import {
  GetAccountCommand,
  GetConfigurationSetCommand,
  GetConfigurationSetEventDestinationsCommand,
  GetEmailIdentityCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';

/** One SES answer: found, absent (NotFoundException), or the call failed (denied, timed out…). */
export type Probe<T> =
  | { state: 'found'; value: T }
  | { state: 'not-found' }
  | { state: 'failed'; error: string };

export interface AccountState {
  productionAccess: boolean;
  sendingEnabled: boolean;
  /** HEALTHY, PROBATION or SHUTDOWN. */
  enforcementStatus?: string;
  max24HourSend?: number;
  maxSendRate?: number;
  sentLast24Hours?: number;
}

export interface IdentityState {
  /** PENDING, SUCCESS, FAILED, TEMPORARY_FAILURE or NOT_STARTED. */
  verificationStatus?: string;
  verifiedForSending: boolean;
  dkimStatus?: string;
  dkimSigningEnabled: boolean;
  mailFromDomain?: string;
  /** PENDING, SUCCESS, FAILED or TEMPORARY_FAILURE. */
  mailFromStatus?: string;
  /** USE_DEFAULT_VALUE or REJECT_MESSAGE. */
  mailFromOnMxFailure?: string;
  /** The identity's default configuration set, the one the stack attaches. */
  configurationSet?: string;
}

export interface EventDestinationState {
  name: string;
  enabled: boolean;
  /** SEND, BOUNCE, COMPLAINT, DELIVERY… */
  events: string[];
  target: 'eventbridge' | 'sns' | 'cloudwatch' | 'firehose' | 'pinpoint' | 'unknown';
}

export interface ConfigurationSetState {
  name: string;
  sendingEnabled: boolean;
  eventDestinations: EventDestinationState[];
}

export interface SesAccountReport {
  account: Probe<AccountState>;
  identity: Probe<IdentityState>;
  /** Undefined when neither the settings nor the identity name a configuration set. */
  configurationSet?: Probe<ConfigurationSetState>;
}

type ReadCommand =
  | GetAccountCommand
  | GetEmailIdentityCommand
  | GetConfigurationSetCommand
  | GetConfigurationSetEventDestinationsCommand;

/** The one method used; the CLI passes a real client, a unit test a stub answering SES shapes. */
export interface SesReadClient {
  send(command: ReadCommand): Promise<unknown>;
}

/**
 * A client for the doctor: a short request timeout and a single retry, because an unknown action
 * on a local SES emulator never answers and a person is waiting at the terminal.
 */
export function sesAccountClient(options: { region: string; timeoutMs: number }): SESv2Client {
  return new SESv2Client({
    region: options.region,
    maxAttempts: 2,
    requestHandler: {
      requestTimeout: options.timeoutMs,
      connectionTimeout: options.timeoutMs,
      // Without it, this SDK only logs a warning when the timeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    },
  });
}

/** At most this much of an error message is kept: it is printed on one terminal line. */
const MESSAGE_LENGTH = 160;

/** The SDK's name for what went wrong (AccessDeniedException, TimeoutError…) and its message's first line. */
function describe(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  // An endpoint that is not SES (a proxy, an emulator) answers HTML: the SDK cannot parse it.
  if (error instanceof Error && '$response' in error && name === 'SyntaxError') {
    return 'an answer that is not from SES (it could not be read)';
  }
  if (name === 'TimeoutError') return 'TimeoutError: no answer in time';
  const firstLine = (error instanceof Error ? error.message : String(error))
    .split('\n')[0]
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
    ?.replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  const message =
    firstLine && firstLine.length > MESSAGE_LENGTH
      ? `${firstLine.slice(0, MESSAGE_LENGTH - 1)}…`
      : firstLine;
  return message && message !== name ? `${name}: ${message}` : name;
}

async function probe<T>(call: () => Promise<T>): Promise<Probe<T>> {
  try {
    return { state: 'found', value: await call() };
  } catch (error) {
    if (error instanceof Error && error.name === 'NotFoundException') return { state: 'not-found' };
    return { state: 'failed', error: describe(error) };
  }
}

function targetOf(destination: Record<string, unknown>): EventDestinationState['target'] {
  if (destination.EventBridgeDestination) return 'eventbridge';
  if (destination.SnsDestination) return 'sns';
  if (destination.CloudWatchDestination) return 'cloudwatch';
  if (destination.KinesisFirehoseDestination) return 'firehose';
  if (destination.PinpointDestination) return 'pinpoint';
  return 'unknown';
}

interface AccountOutput {
  ProductionAccessEnabled?: boolean;
  SendingEnabled?: boolean;
  EnforcementStatus?: string;
  SendQuota?: { Max24HourSend?: number; MaxSendRate?: number; SentLast24Hours?: number };
}

interface IdentityOutput {
  VerificationStatus?: string;
  VerifiedForSendingStatus?: boolean;
  DkimAttributes?: { Status?: string; SigningEnabled?: boolean };
  MailFromAttributes?: {
    MailFromDomain?: string;
    MailFromDomainStatus?: string;
    BehaviorOnMxFailure?: string;
  };
  ConfigurationSetName?: string;
}

interface ConfigurationSetOutput {
  ConfigurationSetName?: string;
  SendingOptions?: { SendingEnabled?: boolean };
}

interface EventDestinationsOutput {
  EventDestinations?: (Record<string, unknown> & {
    Name?: string;
    Enabled?: boolean;
    MatchingEventTypes?: string[];
  })[];
}

async function readAccount(client: SesReadClient): Promise<AccountState> {
  const out = (await client.send(new GetAccountCommand({}))) as AccountOutput;
  const quota = out.SendQuota ?? {};
  return {
    productionAccess: out.ProductionAccessEnabled === true,
    sendingEnabled: out.SendingEnabled !== false,
    ...(out.EnforcementStatus ? { enforcementStatus: out.EnforcementStatus } : {}),
    ...(quota.Max24HourSend !== undefined ? { max24HourSend: quota.Max24HourSend } : {}),
    ...(quota.MaxSendRate !== undefined ? { maxSendRate: quota.MaxSendRate } : {}),
    ...(quota.SentLast24Hours !== undefined ? { sentLast24Hours: quota.SentLast24Hours } : {}),
  };
}

async function readIdentity(client: SesReadClient, identity: string): Promise<IdentityState> {
  const out = (await client.send(
    new GetEmailIdentityCommand({ EmailIdentity: identity }),
  )) as IdentityOutput;
  const mailFrom = out.MailFromAttributes;
  const optional = (key: keyof IdentityState, value: string | undefined) =>
    value ? { [key]: value } : {};
  return {
    verifiedForSending: out.VerifiedForSendingStatus === true,
    dkimSigningEnabled: out.DkimAttributes?.SigningEnabled === true,
    ...optional('verificationStatus', out.VerificationStatus),
    ...optional('dkimStatus', out.DkimAttributes?.Status),
    ...optional('mailFromDomain', mailFrom?.MailFromDomain),
    ...optional('mailFromStatus', mailFrom?.MailFromDomainStatus),
    ...optional('mailFromOnMxFailure', mailFrom?.BehaviorOnMxFailure),
    ...optional('configurationSet', out.ConfigurationSetName),
  };
}

async function readConfigurationSet(
  client: SesReadClient,
  name: string,
): Promise<ConfigurationSetState> {
  const [set, destinations] = await Promise.all([
    client.send(
      new GetConfigurationSetCommand({ ConfigurationSetName: name }),
    ) as Promise<ConfigurationSetOutput>,
    client.send(
      new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: name }),
    ) as Promise<EventDestinationsOutput>,
  ]);
  return {
    name: set.ConfigurationSetName ?? name,
    sendingEnabled: set.SendingOptions?.SendingEnabled !== false,
    eventDestinations: (destinations.EventDestinations ?? []).map((destination) => ({
      name: destination.Name ?? '',
      enabled: destination.Enabled === true,
      events: destination.MatchingEventTypes ?? [],
      target: targetOf(destination),
    })),
  };
}

/**
 * Asks SES about the account, the sender's domain `identity` and the configuration set: the one
 * `configurationSet` names, else the identity's default one. Never throws: a failed call is a
 * `failed` probe, so one denied permission still lets the other checks run.
 */
export async function readSesAccount(
  client: SesReadClient,
  target: { identity: string; configurationSet?: string },
): Promise<SesAccountReport> {
  const [account, identity] = await Promise.all([
    probe(() => readAccount(client)),
    probe(() => readIdentity(client, target.identity)),
  ]);
  const setName =
    target.configurationSet ??
    (identity.state === 'found' ? identity.value.configurationSet : undefined);
  if (!setName) return { account, identity };
  const configurationSet = await probe(() => readConfigurationSet(client, setName));
  return { account, identity, configurationSet };
}
