import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Clock } from '../../functions/domain/ports.js';

/**
 * Local mode's clock: real time plus an offset that only grows. Time travel moves the offset;
 * it is kept on disk so a restart does not send the sequence back in time.
 */
export class VirtualClock implements Clock {
  private offsetMs: number;

  constructor(private readonly file?: string) {
    this.offsetMs = 0;
    if (file) {
      try {
        const saved = JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown };
        if (typeof saved.offsetMs === 'number' && saved.offsetMs > 0)
          this.offsetMs = saved.offsetMs;
      } catch {
        // No saved clock yet: start at real time.
      }
    }
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves the clock forward to `date`; never backwards. */
  advanceTo(date: Date): void {
    const offset = date.getTime() - Date.now();
    if (offset <= this.offsetMs) return;
    this.offsetMs = offset;
    if (this.file) {
      writeFileSync(`${this.file}.tmp`, JSON.stringify({ offsetMs: offset }));
      renameSync(`${this.file}.tmp`, this.file);
    }
  }
}
