/**
 * The holiday table the bundled `date-holidays` stand-in reads: brotli-compressed, base64. This
 * file is a placeholder with no years; the bundler (`build.ts`) replaces its contents with the
 * table it generates, so the stand-in answers from the table in the Lambda bundle and from the
 * rule engine anywhere else.
 */
export const HOLIDAY_TABLE: { first: number; last: number; data: string } = {
  first: 0,
  last: -1,
  data: '',
};
