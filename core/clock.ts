import { DateTime } from 'luxon';

/** The one source of "now": production uses the system clock; tests and rehearsals inject their own. */
export interface Clock {
  now(): DateTime;
}

export const systemClock: Clock = { now: () => DateTime.utc() };

export function fixedClock(iso: string): Clock & { set(iso: string): void; advance(duration: { minutes?: number; hours?: number; days?: number }): void } {
  let current = DateTime.fromISO(iso, { setZone: true });
  return {
    now: () => current,
    set: (next) => {
      current = DateTime.fromISO(next, { setZone: true });
    },
    advance: (duration) => {
      current = current.plus(duration);
    },
  };
}
