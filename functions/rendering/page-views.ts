import type { ConsolePageViews } from './console/views.js';
import type { ChoiceGroupView, ErrorLink, TextFieldView } from './field-views.js';

/**
 * What each page template gets. Every key is always present (null when empty): the templates are
 * compiled strict, so a key a template uses that its view lacks throws instead of printing ''.
 */

/** What the layout uses; the renderer adds it to every page. */
export interface PageFrame {
  lang: string;
  /** The page's own title; the layout appends the firm's name. */
  title: string;
  /** URL of the stylesheet, with its content hash. */
  stylesheet: string;
  brand: { firmName: string; logoUrl: string | null; postalAddress: string | null };
}

export interface SurveyPageView {
  action: string;
  csrf: string;
  clientName: string;
  /** A problem with the whole form (it could not be confirmed as ours), shown above it. */
  formProblem: string | null;
  /** When the client first answered, or null before the first answer. */
  answeredOn: string | null;
  closesOn: string;
  errors: ErrorLink[];
  score: ChoiceGroupView;
  reason: ChoiceGroupView;
  reasonDetail: TextFieldView;
  whatWorked: TextFieldView;
  whatDidNot: TextFieldView;
  improve: TextFieldView;
  winBack: ChoiceGroupView;
  testimonial: TextFieldView;
  publishAs: ChoiceGroupView;
}

export interface SurveyThanksView {
  clientName: string;
  /** This submission changed earlier answers. */
  revised: boolean;
  surveyUrl: string;
  closesOn: string;
  /** "with your name"… when the client lets us publish a testimonial, else null. */
  publishedAs: string | null;
  signature: string;
}

export interface PreferencesView {
  action: string;
  csrf: string;
  /** The flash message: what the last action did, shown at the top. */
  flash: string | null;
  suppressed: boolean;
  /** The client unsubscribed themselves, so they may undo it (not after a bounce or complaint). */
  canResubscribe: boolean;
  nextCheckIn: string | null;
}

export interface UnsubscribedView {
  firmName: string;
}

/** The client's handover page (`/h/{token}`). */
export interface HandoverPageView {
  action: string;
  csrf: string;
  /** What the last confirmation did, shown at the top. */
  flash: string | null;
  clientName: string;
  firmName: string;
  /** Where the work stands, in a sentence. */
  standing: string;
  /** "You have confirmed 1 of 3 items." */
  progress: string;
  items: {
    id: string;
    title: string;
    url: string | null;
    note: string | null;
    /** The day the client confirmed it, or null while open. */
    confirmedOn: string | null;
  }[];
  /** More than one item is open: one button confirms them all. */
  canConfirmAll: boolean;
  /** Where to write besides replying (`FAREWELL_REPLY_TO`, else the sender), or null. */
  contactEmail: string | null;
}

/** A page that only says something: a link that does not work, an error. */
export interface MessageView {
  heading: string;
  paragraphs: string[];
}

/** Every page's view: the client pages here, the operator console's in `console/views.ts`. */
export interface PageViews extends ConsolePageViews {
  survey: SurveyPageView;
  'survey-thanks': SurveyThanksView;
  preferences: PreferencesView;
  unsubscribed: UnsubscribedView;
  message: MessageView;
  handover: HandoverPageView;
}
