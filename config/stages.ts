import { IANAZone } from 'luxon';
import { z } from 'zod';
import { ConfigError } from '../functions/domain/errors.js';
import {
  parseSequenceRules,
  type SequenceConfig,
  type SequenceRules,
} from '../functions/domain/sequence-rules.js';
import { sequence } from './sequence.js';

/**
 * Per-stage deployment settings: one entry per AWS stage, chosen with `-c stage=NAME` (default
 * `dev`). Edit the values here; `npm run synth` validates the chosen stage and stops naming every
 * missing or invalid field, e.g. `stages.prod.sender.email: is required`.
 *
 * Secrets (webhook secrets, link keys, the suppression key) are not here: they are generated into
 * Secrets Manager on the first deploy.
 */

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const hostname = z
  .string()
  .regex(HOSTNAME, 'must be a lower-case domain name such as firm.example');

const httpsUrl = z
  .url()
  .refine((url) => url.startsWith('https://'), { message: 'must be an https URL' })
  .transform((url) => url.replace(/\/+$/, ''));

const timezone = z
  .string()
  .refine((zone) => IANAZone.isValidZone(zone), { message: 'must be an IANA time zone' });

const stageSchema = z
  .strictObject({
    /** The 12-digit account to deploy to; unset, the CLI's credentials decide. */
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    /** The region of every resource, e.g. eu-west-1. SES must offer production access there. */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1'),
    /** The sender domain verified in SES (DKIM), e.g. firm.example. */
    domain: hostname,
    /** Sub-domain of `domain` used as the custom MAIL FROM (bounce) domain. */
    mailFromSubdomain: z
      .string()
      .regex(/^[a-z0-9-]{1,63}$/, 'must be one DNS label such as mail')
      .default('mail'),
    sender: z.strictObject({
      /** The From address; must be on `domain`. */
      email: z.email(),
      name: z.string().min(1).max(100),
    }),
    /** Where client replies go: usually the operator. */
    replyTo: z.email(),
    /** Receives alarm notifications and DMARC reports. */
    operatorEmail: z.email(),
    /**
     * The operator digest emailed to `operatorEmail`: the hour (0–23) it goes out, in `timezone`
     * (the operator's; `defaultTimezone` when unset).
     */
    digest: z
      .strictObject({
        hour: z
          .number()
          .int('must be a whole hour from 0 to 23')
          .min(0, 'must be a whole hour from 0 to 23')
          .max(23, 'must be a whole hour from 0 to 23')
          .default(8),
        timezone: timezone.optional(),
      })
      .prefault({}),
    /**
     * A production stage (the default) may not deploy without `appDomain`: a stage marks itself
     * `production: false` to send links on the API's own URL, which dies with the stateless stack.
     */
    production: z.boolean().default(true),
    /**
     * The app's own domain, e.g. app.firm.example: emailed links, the console and webhooks use
     * `https://<appDomain>`, owned by the stateful stack, so a redeployed API keeps every link sent.
     */
    appDomain: hostname.optional(),
    /**
     * An ACM certificate for `appDomain` in the stage region; unset, the stateful stack requests
     * one validated by DNS (its deploy waits until the validation CNAME is in place).
     */
    certificateArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/,
        'must be an ACM certificate ARN',
      )
      .optional(),
    /** Time zone of clients whose exit gives none (overrides the sequence file's). */
    defaultTimezone: timezone,
    defaultLocale: z.string().min(2).default('en-GB'),
    firm: z.strictObject({
      name: z.string().min(1).max(100),
      signature: z.string().min(1).max(200).optional(),
      logoUrl: httpsUrl.optional(),
      accent: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb')
        .optional(),
      /** Set it in production: anti-spam laws ask for a postal address in check-in emails. */
      postalAddress: z.string().min(1).max(300).optional(),
    }),
    /**
     * Stay on this exact Lambda runtime version (e.g. to step back from a runtime patch that broke
     * something); unset, each deploy takes the newest patch of the pinned Node.js major version.
     */
    runtimeVersionArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:lambda:[a-z0-9-]+::runtime:[0-9a-f]{64}$/,
        'must be a Lambda runtime version ARN (arn:aws:lambda:REGION::runtime:…)',
      )
      .optional(),
    /**
     * Start the functions with `NODE_OPTIONS=--enable-source-maps`, so stack traces in the logs
     * name source files and lines. Off by default: it slows every cold start, and the minified
     * names and the shipped `.map` files are enough to read a trace by hand.
     */
    sourceMaps: z.boolean().default(false),
    /**
     * Minutes after its planned time within which each step but the notice may be sent
     * (EventBridge Scheduler's flexible time window), so a morning's steps reach SES spread out.
     * 0 sends every step at its exact time.
     */
    sendWindowMinutes: z.number().int().min(0).max(1440).default(20),
    /**
     * Which new exits wait for an operator's approval before their notice goes out
     * (`FAREWELL_NOTICE_APPROVAL`): a stage holds webhook exits unless it says otherwise.
     */
    noticeApproval: z.enum(['none', 'webhook', 'all']).default('webhook'),
    /**
     * The most send-step instances at once (reserved concurrency): about the account's SES rate
     * times the seconds one send takes. Reserving it needs the account's Lambda concurrency quota
     * to leave 100 unreserved beside it.
     */
    sendConcurrency: z.number().int().min(1).max(1000).default(10),
    /** API Gateway default-stage throttling (requests per second and burst). */
    throttle: z
      .strictObject({
        rateLimit: z.number().int().min(1).max(10_000),
        burstLimit: z.number().int().min(1).max(5_000),
      })
      .default({ rateLimit: 25, burstLimit: 50 }),
    /** Alarm thresholds on the SES account's reputation metrics (fractions, not percent). */
    alarms: z
      .strictObject({
        bounceRate: z.number().gt(0).lt(1),
        complaintRate: z.number().gt(0).lt(1),
      })
      .default({ bounceRate: 0.05, complaintRate: 0.001 }),
    /** The sequence timing; the shared `config/sequence.ts` unless a stage needs its own. */
    sequence: z
      .custom<SequenceConfig>((value) => typeof value === 'object' && value !== null, {
        message: 'must be a sequence object like the one in config/sequence.ts',
      })
      .optional(),
  })
  .refine((stage) => stage.sender.email.toLowerCase().endsWith(`@${stage.domain}`), {
    message: 'must be an address on the stage domain',
    path: ['sender', 'email'],
  })
  .refine((stage) => !stage.production || stage.appDomain !== undefined, {
    message:
      'is required for a production stage (or set production: false): links already emailed must not die with a redeployed API',
    path: ['appDomain'],
  })
  .refine((stage) => stage.certificateArn === undefined || stage.appDomain !== undefined, {
    message: 'is required with certificateArn',
    path: ['appDomain'],
  })
  .superRefine((stage, context) => {
    // A regional API domain name takes a certificate from its own region only.
    if (stage.certificateArn !== undefined && stage.certificateArn.split(':')[3] !== stage.region) {
      context.addIssue({
        code: 'custom',
        message: `must be in the stage region ${stage.region}`,
        path: ['certificateArn'],
      });
    }
  });

/** What a stage entry must give (defaults filled in when it is read). */
export type StageInput = z.input<typeof stageSchema>;
/** A validated stage: defaults filled in, the sequence parsed with the stage's time zone. */
export type StageSettings = Omit<z.output<typeof stageSchema>, 'sequence'> & {
  name: string;
  sequence: SequenceRules;
};

/**
 * The stages. `dev` synthesizes offline with placeholder example.com values; copy it to a new
 * entry (e.g. `prod`) with your own domain, sender and account before deploying.
 */
export const stages: Record<string, StageInput> = {
  dev: {
    // Links on the API's own URL: fine for trying Farewell, not for links a client keeps.
    production: false,
    region: 'eu-west-1',
    domain: 'farewell.example.com',
    sender: { email: 'hello@farewell.example.com', name: 'Example Consulting' },
    replyTo: 'operator@example.com',
    operatorEmail: 'operator@example.com',
    defaultTimezone: 'Europe/London',
    firm: { name: 'Example Consulting', postalAddress: '1 Example Street, London' },
    sequence,
  },
};

/** Validation failure of a stage: names the stage and every bad field. */
export class StageSettingsError extends Error {
  override name = 'StageSettingsError';
}

/** Reads and validates one stage; fails naming every missing or invalid field. */
export function resolveStage(name: string, all: Record<string, unknown> = stages): StageSettings {
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(name)) {
    throw new StageSettingsError(`Stage name "${name}" must be lower-case letters, digits and -`);
  }
  const entry = all[name];
  if (entry === undefined) {
    throw new StageSettingsError(
      `No stage "${name}" in config/stages.ts (known: ${Object.keys(all).join(', ')})`,
    );
  }
  const result = stageSchema.safeParse(entry);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const field = ['stages', name, ...issue.path.map(String)].join('.');
      const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
      return `  ${field}: ${missing ? 'is required' : issue.message}`;
    });
    throw new StageSettingsError(`Stage settings are invalid:\n${lines.join('\n')}`);
  }
  const stage = result.data;
  try {
    const rules = parseSequenceRules({
      ...(stage.sequence ?? sequence),
      defaultTimezone: stage.defaultTimezone,
    });
    return { ...stage, name, sequence: rules };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The sequence names its own fields; prefix them with where they live here.
    const fields = error.message.replace(/^ {2}/gm, `  stages.${name}.sequence.`);
    throw new StageSettingsError(`Stage settings are invalid: ${fields}`, { cause: error });
  }
}
