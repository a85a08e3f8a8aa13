/** The source of "now". Rules take `now` as an argument; services and jobs get it from a Clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that moves only when told to: tests and backfills (`job --at`). */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * A clock that starts at `start` and moves with real time: a backfill (`job --at`) delivers its
 * messages on it, so rows stamped `start` are due at once and the outbox's pacing, which waits in
 * real time, sees the time pass.
 */
export function runningFrom(start: Date | string): Clock {
  const offset = new Date(start).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}
