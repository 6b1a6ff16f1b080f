import { Logger } from '@aws-lambda-powertools/logger';
import type { EventLog } from '../domain/ports.js';

const EMAIL = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[^\s@<>"'(),;:]+/g;

/** Last line of defence: no address reaches the logs even if a message carries one. */
export function redact(value: string): string {
  return value.replace(EMAIL, '[email]');
}

type Fields = Record<string, string | number | boolean>;

function clean(fields: Fields = {}): Fields {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      typeof value === 'string' ? redact(value) : value,
    ]),
  );
}

/** EventLog on Powertools Logger: structured JSON, one line per event. */
export class PowertoolsLog implements EventLog {
  constructor(private readonly logger: Logger = new Logger({ serviceName: 'farewell' })) {}

  info(message: string, fields?: Fields): void {
    this.logger.info(redact(message), clean(fields));
  }

  warn(message: string, fields?: Fields): void {
    this.logger.warn(redact(message), clean(fields));
  }

  error(message: string, fields?: Fields): void {
    this.logger.error(redact(message), clean(fields));
  }
}
