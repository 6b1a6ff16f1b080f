import type { EventLog } from '../../functions/domain/ports.js';

/** A log for tests whose subject is not what gets logged: it drops every line. */
export const silentLog: EventLog = { info: () => {}, warn: () => {}, error: () => {} };
