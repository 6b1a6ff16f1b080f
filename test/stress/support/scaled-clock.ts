import { VirtualClock } from '../../../infra/local/virtual-clock.js';

/**
 * A virtual clock that runs `scale` times faster than real time, from `start`. A burst scenario
 * needs time to flow on its own (senders compete for SES's rate while the clock moves), but
 * a 20-minute send window and an hour of lateness cannot take an hour of a test's time: at scale
 * 12 a virtual hour passes in five real minutes. `advanceTo` jumps forward (never back) and the
 * clock runs on from there.
 */
export class ScaledClock extends VirtualClock {
  private realOrigin = Date.now();
  private virtualOrigin: number;

  constructor(
    start: Date,
    readonly scale: number,
  ) {
    super();
    this.virtualOrigin = start.getTime();
  }

  override now(): Date {
    return new Date(this.virtualOrigin + (Date.now() - this.realOrigin) * this.scale);
  }

  override advanceTo(date: Date): void {
    if (date.getTime() <= this.now().getTime()) return;
    this.virtualOrigin = date.getTime();
    this.realOrigin = Date.now();
  }

  /** Real milliseconds that `virtualMs` of this clock take. */
  real(virtualMs: number): number {
    return virtualMs / this.scale;
  }
}
