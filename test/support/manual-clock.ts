// A Clock that stands still until a test moves it, for state expiry, lock hold times and reminders.
import type { Clock } from '../../lambda/core/gate/ports.ts';

export class ManualClock implements Clock {
  private current: Date;

  public constructor(start: Date) {
    this.current = new Date(start);
  }

  public now(): Date {
    return new Date(this.current);
  }

  public monotonicMs(): number {
    return this.current.getTime();
  }

  public advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
