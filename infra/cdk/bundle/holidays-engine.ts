/**
 * Entry of `holidays-engine.cjs`, the holiday library as the Lambda bundle loads it on demand:
 * date-holidays with its rule engine, `moment-timezone` replaced by `moment-timezone-shim.ts`.
 */
export { default } from 'date-holidays';
