// Time comes from a clock that is passed in, never from the machine in domain code, so tests can
// stand at any moment (a bank holiday, the night the clocks go back) and move time forward.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests: stands still until moved. */
export class TestClock implements Clock {
  private current: number;
  constructor(start: string | Date = '2026-12-01T10:00:00.000Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: string | Date): void {
    this.current = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
}

export function iso(date: Date): string {
  return date.toISOString();
}
