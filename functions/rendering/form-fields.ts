import type { TextFieldView } from './field-views.js';

/** What a form page was posted with, and the problems found, by field name. */
export interface FormContext {
  fields: Readonly<Record<string, string | undefined>>;
  errors: ReadonlyMap<string, string>;
}

/** The `aria-describedby` of a field: its hint's and its error's ids, when it has them. */
export function describedBy(id: string, hint: string | null, error: string | null): string | null {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : null;
}

/** A textarea with its label, hint, the value posted and the error found (console and survey). */
export function textAreaView(
  context: FormContext,
  field: { name: string; label: string; hint: string | null; rows: number; maxLength: number },
): TextFieldView {
  const id = `field-${field.name}`;
  const error = context.errors.get(field.name) ?? null;
  return {
    ...field,
    id,
    error,
    describedBy: describedBy(id, field.hint, error),
    value: context.fields[field.name] ?? '',
  };
}
