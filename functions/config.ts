import { IANAZone } from 'luxon';
import { z } from 'zod';
import { ConfigError } from './domain/errors.js';

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

const publicUrl = z
  .url()
  // It ends up inside List-Unsubscribe `<…>`: no character that could close or split that header.
  .refine((url) => !/[\s<>,"'\\]/.test(url), {
    message: 'must not contain spaces, <, >, commas or quotes',
  })
  .refine((url) => url.startsWith('https://') || LOOPBACK.test(url), {
    message: 'must be an https URL (plain http only on loopback)',
  })
  .transform((url) => url.replace(/\/+$/, ''));

const webhookSecrets = z
  .string()
  .transform((value) => value.split(/\s+/).filter(Boolean))
  .pipe(
    z
      .array(
        z
          .string()
          .regex(
            /^whsec_(?:[A-Za-z0-9+/]{4}){4,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
            'each secret must be whsec_ followed by base64 of at least 12 bytes',
          ),
      )
      .min(1, 'at least one secret is required'),
  );

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;
/** One line of text shown in emails: no control characters, so never a line break. */
const emailLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !CONTROL.test(value), { message: 'must be a single line of text' });

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every setting Farewell reads from its environment, parsed once per cold start. */
export const configSchema = z.object({
  FAREWELL_TABLE_NAME: z.string().min(3),
  FAREWELL_PUBLIC_URL: publicUrl,
  FAREWELL_FIRM_NAME: emailLine(100),
  /** The From address, e.g. `hello@firm.example`. */
  FAREWELL_SENDER_EMAIL: z.email(),
  FAREWELL_SENDER_NAME: emailLine(100).optional(),
  FAREWELL_REPLY_TO: z.email().optional(),
  /**
   * Where survey answers that need attention (a low score, win-back interest, a testimonial) are
   * emailed. Optional: without it no notice goes out, and the exit's timeline says so.
   */
  FAREWELL_OPERATOR_EMAIL: z.email().optional(),
  /** The hour (0–23, operator's time zone) the daily operator digest goes out; 8 by default. */
  FAREWELL_DIGEST_HOUR: z.coerce
    .number({ error: 'must be a whole hour from 0 to 23' })
    .int('must be a whole hour from 0 to 23')
    .min(0, 'must be a whole hour from 0 to 23')
    .max(23, 'must be a whole hour from 0 to 23')
    .optional(),
  /** The operator's IANA time zone for the digest; the sequence's default zone when unset. */
  FAREWELL_OPERATOR_TIMEZONE: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), {
      message: 'must be an IANA time zone such as Europe/London',
    })
    .optional(),
  FAREWELL_SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** Email branding: a logo shown instead of the firm's name (https only, emails load it remotely). */
  FAREWELL_BRAND_LOGO_URL: z
    .url()
    .refine((url) => url.startsWith('https://'), { message: 'must be an https URL' })
    .optional(),
  /** Accent colour of buttons, `#rrggbb`; the renderer's default when unset. */
  FAREWELL_BRAND_ACCENT: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb, e.g. #1f5f8b')
    .optional(),
  /**
   * The firm's postal address for the email footer. Optional so local mode needs none, but set it
   * in production: anti-spam laws (CAN-SPAM, for one) ask for it in the check-in emails.
   */
  FAREWELL_POSTAL_ADDRESS: emailLine(300).optional(),
  /** The closing line of every email; defaults to the sender name, then the firm name. */
  FAREWELL_SIGNATURE: emailLine(200).optional(),
  FAREWELL_WEBHOOK_SECRETS: webhookSecrets,
  /** Key for the keyed hash of addresses in the suppression list. */
  FAREWELL_SUPPRESSION_KEY: z.string().min(32, 'must be at least 32 characters'),
  /** Keys that sign emailed links, newest first; every key verifies (rotation). */
  FAREWELL_LINK_KEYS: z
    .string()
    .transform((value) => value.split(/\s+/).filter(Boolean))
    .pipe(z.array(z.string().min(32, 'each key must be at least 32 characters')).min(1)),
  /** Signs operators' session cookies and keys their sign-in attempt counters. */
  FAREWELL_SESSION_KEY: z.string().min(32, 'must be at least 32 characters'),
  FAREWELL_DEFAULT_LOCALE: z.string().min(2).default('en-GB'),
  FAREWELL_SCHEDULE_GROUP: z.string().min(1).default('default'),
  FAREWELL_SEND_STEP_ARN: z.string().startsWith('arn:'),
  FAREWELL_SCHEDULER_ROLE_ARN: z.string().startsWith('arn:'),
  FAREWELL_SCHEDULER_DLQ_ARN: z.string().startsWith('arn:').optional(),
  /** Minutes after its time within which a planned step may fire (Scheduler's flexible window). */
  FAREWELL_SEND_WINDOW_MINUTES: z.coerce.number().int().min(0).max(1440).optional(),
  FAREWELL_SCHEDULE_MAX_RETRIES: z.coerce.number().int().min(0).max(185).default(20),
  FAREWELL_SCHEDULE_MAX_EVENT_AGE_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(86_400)
    .default(86_400),
  /** How long a claimed step stays claimed before another sender may take it over. */
  FAREWELL_SEND_LEASE_SECONDS: positiveInt(120),
  FAREWELL_SES_TIMEOUT_MS: positiveInt(10_000),
  /**
   * Which new exits wait in `awaiting-approval` until an operator approves their notice: none,
   * those started by a webhook, or all. Unset means none (local mode); stages set it
   * (`config/stages.ts`, `webhook` unless a stage says otherwise).
   */
  FAREWELL_NOTICE_APPROVAL: z
    .enum(['none', 'webhook', 'all'], { message: 'must be none, webhook or all' })
    .default('none'),
});

export type Config = z.infer<typeof configSchema>;

/**
 * Parses the environment. Fails naming every missing or invalid variable, never with a default
 * standing in for a required value.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings count as unset, so `FOO=` fails like a missing FOO.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return `  ${name}: ${issue.code === 'invalid_type' && present[name] === undefined ? 'is required' : issue.message}`;
  });
  throw new ConfigError(`Farewell configuration is invalid:\n${lines.join('\n')}`);
}
