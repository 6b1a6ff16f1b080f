/**
 * What each console page template gets. As with the client pages, every key is always present
 * (null when empty): the templates are compiled strict.
 */
import type { ChoiceGroupView, ErrorLink, TextFieldView } from '../field-views.js';
import type { HandoverPanelView } from './handover-panel.js';

/** A POST form of the console: where it goes and its CSRF token (bound to the session). */
export interface FormView {
  action: string;
  csrf: string;
}

export interface NavItem {
  href: string;
  label: string;
  current: boolean;
}

/** Local mode's bar: the virtual clock, time travel, the inbox and the email previews. */
export interface LocalBarView {
  now: string;
  inboxUrl: string;
  previewsUrl: string;
  travel: FormView & { next: string };
}

/** The banner shown while the SES account cannot send: why, and what to do about it. */
export interface SendingBlockedView {
  why: string;
  fix: string;
  /** Since when, in words (UTC). */
  since: string;
}

/** The frame of every signed-in page: navigation, the operator, sign-out, local tools. */
export interface ConsoleShell {
  nav: NavItem[];
  operatorEmail: string;
  signOut: FormView;
  local: LocalBarView | null;
  /** The flash message: what the last action did, shown at the top (`role=status`). */
  flash: string | null;
  /** The console script's URL, on the pages that use it. */
  script: string | null;
  /** Set while the last send attempt found the SES account unable to send. */
  sendingBlocked: SendingBlockedView | null;
}

export interface SignInView {
  shell: null;
  action: string;
  csrf: string;
  next: string;
  email: string;
  /** Why the last attempt failed, shown as an alert. */
  problem: string | null;
  /** The flash message, e.g. that the operator signed out. */
  flash: string | null;
}

export interface ConsoleMessageView {
  shell: ConsoleShell | null;
  heading: string;
  paragraphs: string[];
  back: { href: string; label: string } | null;
}

export interface ExitRowView {
  href: string;
  name: string;
  company: string | null;
  effectiveOn: string;
  next: { label: string; when: string } | null;
  started: string;
  /** Open tasks of the checklist due today and overdue, in words; null when none. */
  tasks: { text: string; overdue: boolean } | null;
}

export interface ExitsListView {
  shell: ConsoleShell;
  statuses: { value: string; label: string; selected: boolean }[];
  search: string;
  /** The "has overdue tasks" filter is on. */
  overdue: boolean;
  caption: string;
  rows: ExitRowView[];
  empty: string;
  nextPage: string | null;
  firstPage: string | null;
}

/** A one-line input with its label, hint and error. */
export interface InputView {
  id: string;
  name: string;
  label: string;
  type: string;
  hint: string | null;
  error: string | null;
  describedBy: string | null;
  value: string;
  required: boolean;
  autocomplete: string | null;
  maxLength: number | null;
  short: boolean;
}

export interface PreviewView {
  /** "Effective on Friday 29 January 2027: 30 days' notice, …". */
  effective: string;
  zone: string;
  steps: { label: string; when: string; note: string | null }[];
  to: string;
  subject: string;
  text: string;
  /** Set when the suppression list stops some or all of the emails. */
  warning: string | null;
  /** Exits already running for this address: a warning, the exit can still be started. */
  running?: { href: string; status: string }[];
}

export interface NewExitView {
  shell: ConsoleShell;
  action: string;
  csrf: string;
  /** The form's idempotency key: a double submit starts one exit. */
  key: string;
  /** Fingerprint of the fields the preview shows; confirming other fields previews again. */
  previewed: string | null;
  formProblem: string | null;
  errors: ErrorLink[];
  name: InputView;
  greetingName: InputView;
  email: InputView;
  company: InputView;
  initiatedBy: ChoiceGroupView;
  reason: TextFieldView;
  relationshipStartedOn: InputView;
  effectiveOn: InputView;
  timezone: {
    error: string | null;
    describedBy: string;
    defaultZone: string;
    /** Filled from the browser's zone by the console script, on a blank form only. */
    fromBrowser: boolean;
    /** What was typed, shown again. */
    value: string;
    /** Current names; `legacy` is an old name a browser may still report for it. */
    options: { name: string; legacy: string | null }[];
  };
  country: InputView;
  locale: InputView;
  handover: TextFieldView;
  highlights: TextFieldView;
  externalId: InputView;
  preview: PreviewView | null;
}

export interface ExitPageView {
  shell: ConsoleShell;
  exitId: string;
  name: string;
  company: string | null;
  status: string;
  statusLabel: string;
  erasedOn: string | null;
  details: { term: string; value: string }[];
  handover: HandoverPanelView | null;
  highlights: string[];
  steps: {
    label: string;
    state: string;
    stateLabel: string;
    when: string;
    detail: string | null;
  }[];
  timeline: { when: string; event: string; step: string | null; detail: string | null }[];
  survey: {
    answeredOn: string;
    revisedOn: string | null;
    items: { term: string; value: string }[];
    consent: string | null;
  } | null;
  /** The operator's checklist (see `exit-checklist.ts`). */
  checklist: ChecklistView;
  actions: {
    /** Why some actions are missing, e.g. the exit has ended. */
    note: string | null;
    pause: FormView | null;
    resume: FormView | null;
    cancel: FormView | null;
    sendNow: (FormView & { stepId: string; label: string }) | null;
    effectiveDate: (FormView & { value: string }) | null;
    eraseHref: string | null;
  };
  /** Present while the exit awaits approval (see `exit-approval.ts`). */
  approval: ApprovalView | null;
}

/** The exit page's approval section while the exit awaits approval (`exit-approval.ts`). */
export interface ApprovalView {
  subject: string;
  /** The notice's text part: shown as plain text, so nothing in it can act as markup. */
  text: string;
  /** "28 days". */
  noticePeriod: string;
  maxNote: number;
  approve: FormView;
  discard: FormView;
}

export interface RecordRow {
  term: string;
  value: string;
}

/** The printable exit record (`exit-record.ts`), a page of its own without the console's frame. */
export interface ExitRecordView {
  name: string;
  erasedOn: string | null;
  printedOn: string;
  parties: RecordRow[];
  emails: { label: string; sentOn: string; subject: string }[];
  /** Each item with the client's receipt: the evidence that it was handed over. */
  handover: {
    title: string;
    url: string | null;
    note: string | null;
    confirmedOn: string | null;
  }[];
  survey: ExitPageView['survey'];
  timeline: ExitPageView['timeline'];
}

/** One task of the checklist as the exit page shows it. */
export interface ChecklistTaskView {
  id: string;
  title: string;
  hint: string | null;
  /** e.g. `Tue 31 Mar 2026`. */
  due: string;
  /** `due`, `overdue` or '' (open but later, or closed). */
  urgency: string;
  urgencyLabel: string | null;
  state: string;
  stateLabel: string;
  done: boolean;
  note: string | null;
  /** Tick or untick, by the same form; the button says which. */
  toggle: { value: string; label: string };
  /** Absent once the task is closed. */
  notNeeded: boolean;
}

/** The exit page's checklist: every task, and the forms to change it (one token for all). */
export interface ChecklistView {
  summary: string;
  tasks: ChecklistTaskView[];
  /** Absent for an erased exit: it keeps no checklist to change. */
  form: FormView | null;
  /** The add form's default due date: the effective date. */
  addDue: string;
}

export interface EraseView {
  shell: ConsoleShell;
  name: string;
  exitHref: string;
  running: boolean;
  form: FormView;
}

/** The confirmation page before cancelling an exit. */
export interface CancelView {
  shell: ConsoleShell;
  name: string;
  exitHref: string;
  form: FormView;
}

export interface BarView {
  label: string;
  count: number;
  /** Geometry computed server-side; the template only places it. */
  y: number;
  width: number;
  textY: number;
  countX: number;
}

export interface ColumnView {
  score: number;
  count: number;
  x: number;
  y: number;
  height: number;
  textX: number;
  countY: number;
  /** `detractor`, `passive` or `promoter`: the bar's fill. */
  band: string;
}

export interface InsightsView {
  shell: ConsoleShell;
  answered: number;
  truncated: boolean;
  /** Over how many exits the numbers were computed, and whether capped, in words. */
  basis: string;
  /** How the CSV export comes in parts. */
  exportNote: string;
  exportHref: string;
  nps: { score: string; promoters: number; passives: number; detractors: number } | null;
  reasons: { width: number; height: number; summary: string; bars: BarView[] };
  scores: {
    width: number;
    height: number;
    baseline: number;
    columnWidth: number;
    summary: string;
    columns: ColumnView[];
  };
  winBack: { href: string; name: string; company: string | null; answer: string; score: number }[];
  latest: {
    href: string;
    name: string;
    company: string | null;
    answeredOn: string;
    score: number;
    reason: string;
    comments: { label: string; text: string }[];
  }[];
  /** More answers exist than the page lists. */
  latestMore: number;
  testimonials: {
    href: string;
    name: string;
    company: string | null;
    text: string;
    publishable: boolean;
    consent: string;
  }[];
}

export interface ConsolePageViews {
  'console/sign-in': SignInView;
  'console/message': ConsoleMessageView;
  'console/exits': ExitsListView;
  'console/exit-new': NewExitView;
  'console/exit': ExitPageView;
  'console/exit-erase': EraseView;
  'console/exit-cancel': CancelView;
  'console/insights': InsightsView;
  'exit-record': ExitRecordView;
}
