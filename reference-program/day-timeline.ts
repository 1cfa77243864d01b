/**
 * A day's planned happenings, run in time order. Two at the same second run in the order they were
 * planned, so a run is fully determined by the plan; each happening re-checks the program's state when
 * it runs (an account frozen at 11:00 makes its 15:00 purchase not happen).
 */
export interface DayTimeline {
  at(second: number, run: () => void): void;
  run(): void;
}

export function createDayTimeline(): DayTimeline {
  const happenings: { second: number; order: number; run: () => void }[] = [];
  return {
    at(second, run) {
      happenings.push({ second, order: happenings.length, run });
    },
    run() {
      happenings.sort((a, b) => a.second - b.second || a.order - b.order);
      for (const happening of happenings) happening.run();
    },
  };
}
