import type { RowProblem } from './row-problem.js';

/** Collects problems while rows stream: all are counted, the first `keep` are kept for the report. */
export interface ProblemLog {
  readonly problems: RowProblem[];
  count: number;
  add(...problems: RowProblem[]): void;
}

export function createProblemLog(keep = 100): ProblemLog {
  const log: ProblemLog = {
    problems: [],
    count: 0,
    add(...problems) {
      log.count += problems.length;
      log.problems.push(...problems.slice(0, Math.max(0, keep - log.problems.length)));
    },
  };
  return log;
}
