/** The console's new-exit form and its preview. Pure. */
import type { FieldProblem } from '../../domain/errors.js';
import type { Exit } from '../../domain/exit.js';
import { orderedSteps } from '../../domain/exit.js';
import type { RenderedEmail } from '../../domain/ports.js';
import type { SequenceRules } from '../../domain/sequence-rules.js';
import { canonicalZone, canonicalZones, legacyNameOf } from '../../domain/time-zones.js';
import type { PreviewWarning } from '../../domain/use-cases/preview-exit.js';
import type { ErrorLink, TextFieldView } from '../field-views.js';
import { describedBy, type FormContext, textAreaView } from '../form-fields.js';
import { formatDate, formatDay, monthsBetween, periodInWords, spanInWords } from '../time-words.js';
import { clientTime, stepLabel } from './format.js';
import type { ConsoleShell, InputView, NewExitView, PreviewView } from './views.js';

/** Every IANA zone this runtime knows, by its current name (see domain/time-zones.ts). */
export function knownTimezones(): string[] {
  return canonicalZones();
}

/** The form's fields, in page order (the error summary lists problems top to bottom). */
const ORDER = [
  'name',
  'greetingName',
  'email',
  'company',
  'initiatedBy',
  'reason',
  'relationshipStartedOn',
  'effectiveOn',
  'timezone',
  'country',
  'locale',
  'handover',
  'highlights',
  'externalId',
];

type Context = FormContext;

function inputField(
  context: Context,
  name: string,
  label: string,
  options: {
    type?: string;
    hint?: string;
    required?: boolean;
    autocomplete?: string;
    maxLength?: number;
    short?: boolean;
  } = {},
): InputView {
  const id = `field-${name}`;
  const hint = options.hint ?? null;
  const error = context.errors.get(name) ?? null;
  return {
    id,
    name,
    label,
    type: options.type ?? 'text',
    hint,
    error,
    describedBy: describedBy(id, hint, error),
    value: context.fields[name] ?? '',
    required: options.required ?? false,
    autocomplete: options.autocomplete ?? null,
    maxLength: options.maxLength ?? null,
    short: options.short ?? false,
  };
}

function textArea(
  context: Context,
  name: string,
  label: string,
  hint: string | null,
  maxLength: number,
): TextFieldView {
  return textAreaView(context, { name, label, hint, rows: 4, maxLength });
}

/** The notice rule in words, from the sequence: "14 days under 6 months, 30 under 24, else 60". */
function noticeRule(rules: SequenceRules): string {
  const rows = rules.notice.periods.map(
    (row, at) =>
      `${at === 0 ? periodInWords(row.days) : row.days} for relationships under ${row.underMonths} months`,
  );
  return `${[...rows, `${rules.notice.otherwiseDays} days otherwise`].join(', ')}`;
}

export interface NewExitInput {
  shell: ConsoleShell;
  action: string;
  csrf: string;
  key: string;
  fields: Record<string, string>;
  problems?: FieldProblem[];
  formProblem?: string;
  preview?: PreviewView;
  previewed?: string;
  rules: SequenceRules;
  /** A blank form: the console script may fill the time zone from the browser. */
  blank: boolean;
}

export function newExitView(input: NewExitInput): NewExitView {
  const errors = new Map((input.problems ?? []).map((p) => [p.field, p.message]));
  const context = { fields: input.fields, errors };
  const chosenZone = input.fields.timezone ?? '';
  const zoneError = errors.get('timezone') ?? null;
  const links: ErrorLink[] = ORDER.flatMap((name) => {
    const message = errors.get(name);
    if (!message) return [];
    const href =
      name === 'initiatedBy'
        ? '#initiatedBy-firm'
        : name === 'timezone'
          ? '#timezone'
          : `#field-${name}`;
    return [{ href, message }];
  });
  return {
    shell: input.shell,
    action: input.action,
    csrf: input.csrf,
    key: input.key,
    previewed: input.previewed ?? null,
    formProblem: input.formProblem ?? null,
    errors: links,
    name: inputField(context, 'name', "Client's name", { required: true, maxLength: 200 }),
    greetingName: inputField(context, 'greetingName', 'Greet them as', {
      maxLength: 60,
      autocomplete: 'off',
      hint: 'How the emails address them, e.g. "Ada". Leave it empty for their first name where that is plain, else the whole name.',
    }),
    email: inputField(context, 'email', 'Email address', {
      type: 'email',
      required: true,
      maxLength: 254,
      autocomplete: 'off',
    }),
    company: inputField(context, 'company', 'Company', { maxLength: 200, autocomplete: 'off' }),
    initiatedBy: {
      id: 'field-initiatedBy',
      name: 'initiatedBy',
      legend: 'Who is ending the engagement?',
      hint: null,
      error: errors.get('initiatedBy') ?? null,
      describedBy: errors.has('initiatedBy') ? 'field-initiatedBy-error' : null,
      required: true,
      scale: false,
      options: [
        ['firm', 'We are (the notice states our decision)'],
        ['client', 'The client is (the notice acknowledges theirs)'],
      ].map(([value = '', label = '']) => ({
        id: `initiatedBy-${value}`,
        value,
        label,
        checked: input.fields.initiatedBy === value,
      })),
    },
    reason: textArea(
      context,
      'reason',
      'Why we are parting',
      'In neutral, specific words; the notice quotes it when we end the engagement.',
      2000,
    ),
    relationshipStartedOn: inputField(context, 'relationshipStartedOn', 'Client since', {
      type: 'date',
      short: true,
      hint: 'When the engagement began; it sets the usual notice period.',
    }),
    effectiveOn: inputField(context, 'effectiveOn', 'Effective date', {
      type: 'date',
      short: true,
      hint: `The last day. Leave it empty for the usual notice from today: ${noticeRule(input.rules)}.`,
    }),
    timezone: {
      error: zoneError,
      describedBy: zoneError
        ? 'timezone-hint timezone-browser timezone-error'
        : 'timezone-hint timezone-browser',
      defaultZone: input.rules.defaultTimezone,
      fromBrowser: input.blank,
      value: canonicalZone(chosenZone),
      options: knownTimezones().map((name) => ({ name, legacy: legacyNameOf(name) ?? null })),
    },
    country: inputField(context, 'country', 'Country', {
      short: true,
      maxLength: 2,
      hint: 'Two letters, e.g. GB, US, FR: its public holidays are skipped.',
    }),
    locale: inputField(context, 'locale', 'Locale', {
      short: true,
      maxLength: 35,
      hint: 'How dates are written for the client, e.g. en-GB, en-US, fr-FR.',
    }),
    handover: textArea(
      context,
      'handover',
      'What we hand over',
      'One item per line: documents, credentials, files.',
      10_000,
    ),
    highlights: textArea(
      context,
      'highlights',
      'Highlights of our work together',
      'One per line; the thank-you email recalls them.',
      10_000,
    ),
    externalId: inputField(context, 'externalId', 'Your CRM id', {
      maxLength: 200,
      hint: 'Optional; lets a webhook or the CLI find this exit by your own id.',
    }),
    preview: input.preview ?? null,
  };
}

const STEP_NOTES: Partial<Record<string, (rules: SequenceRules) => string>> = {
  notice: () => 'at once, when you start the exit',
  'survey-reminder': () => 'only if the survey is still unanswered',
  'check-in': (rules) =>
    `then every ${rules.checkIns.everyMonths} months, ${rules.checkIns.maxCount} at most, until they ask us to stop`,
};

/** The preview of an exit built from the form (not stored): its plan and its notice email. */
export function exitPreview(
  exit: Exit,
  notice: RenderedEmail,
  options: { rules: SequenceRules; effectiveGiven: boolean; warning?: PreviewWarning },
): PreviewView {
  const zone = exit.client.timezone;
  const days = Math.round(
    (Date.parse(`${exit.effectiveOn}T00:00:00Z`) -
      Date.parse(`${exit.createdAt.slice(0, 10)}T00:00:00Z`)) /
      86_400_000,
  );
  const effective = formatDate(exit.effectiveOn, 'en-GB');
  let why: string;
  if (options.effectiveGiven) why = 'the date you chose';
  else if (exit.relationshipStartedOn) {
    const months = monthsBetween(exit.relationshipStartedOn, exit.createdAt.slice(0, 10));
    why = `the usual notice for a client of ${spanInWords(Math.max(0, months))}`;
  } else why = 'the usual notice when the relationship’s start is unknown';
  return {
    effective: `Effective on ${effective}: ${days === 1 ? 'one day' : `${days} days`} from today, ${why}.`,
    zone,
    steps: orderedSteps(exit).map((step) => ({
      label: stepLabel(step),
      when: clientTime(step.dueAt, zone),
      note: STEP_NOTES[step.kind]?.(options.rules) ?? null,
    })),
    to: `${exit.client.name} <${exit.client.email}>`,
    subject: notice.subject,
    text: notice.text,
    warning: options.warning ? warningText(options.warning, zone) : null,
  };
}

const BLOCKED_BECAUSE: Record<string, string> = {
  bounce: 'bounced',
  complaint: 'reported an earlier email as spam',
  erased: 'belongs to a client whose data was erased',
};

/** What the suppression list will stop, in the operator's words. */
function warningText(warning: PreviewWarning, zone: string): string {
  if (warning.stops === 'marketing') {
    const on = formatDay(warning.suppression.at, 'en-GB', zone);
    return `This address unsubscribed on ${on}; the notice and thank-you still go, the survey and check-ins will not.`;
  }
  const why = BLOCKED_BECAUSE[warning.suppression.reason] ?? 'was rejected';
  return `This address ${why}: nothing will be delivered.`;
}
