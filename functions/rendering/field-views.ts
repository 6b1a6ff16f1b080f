/** The views of form fields, shared by the client pages and the operator console. */

/** A textarea with its label, hint and error. */
export interface TextFieldView {
  id: string;
  name: string;
  label: string;
  hint: string | null;
  error: string | null;
  /** `id`s of the hint and error, for `aria-describedby`. */
  describedBy: string | null;
  value: string;
  rows: number;
  maxLength: number;
}

export interface ChoiceView {
  id: string;
  value: string;
  label: string;
  checked: boolean;
}

/** A fieldset of radio buttons with its legend, hint and error. */
export interface ChoiceGroupView {
  id: string;
  name: string;
  legend: string;
  hint: string | null;
  error: string | null;
  describedBy: string | null;
  required: boolean;
  /** The 0–10 scale: the options sit side by side. */
  scale: boolean;
  options: ChoiceView[];
}

export interface ErrorLink {
  href: string;
  message: string;
}
