import type { RuleCode, Severity, ValidationStage } from './rule-types.js';

/**
 * One reason Lead would reject a file (an error), or one place where the file takes a reading of
 * Lead's docs that Lead has not confirmed (a warning). It names the place (file, line, column) and the
 * rule, and says what to fix; it quotes ids, amounts, codes and dates, never names, e-mail addresses or
 * free text, since reports travel to people and tickets that should not hold personal data.
 */
export interface Finding {
  /** The path as it was given (or found under a folder given). */
  readonly file: string;
  /** 1-based, the header is line 1; 0 when the finding is about the file as a whole (its name, a missing balance). */
  readonly line: number;
  /** The column's name in the file; empty when the finding is about the file or a whole line. */
  readonly column: string;
  readonly rule: RuleCode;
  /** An error is what Lead rejects a file for; a warning never stops an upload. */
  readonly severity: Severity;
  readonly message: string;
}

export type StageOutcome = 'passed' | 'failed' | 'not run';

/** What happened to one file: what it was taken for, and which stages ran. */
export interface FileReport {
  readonly file: string;
  /** The file type's id, when the name resolved to one. */
  readonly fileType?: string;
  /** The date in the name (T), or the batch id of a batch-named file. */
  readonly fileDate?: string;
  readonly batchId?: string;
  readonly version?: string;
  /** Data rows read (the header not counted). */
  readonly rows: number;
  readonly stages: Readonly<Record<ValidationStage, StageOutcome>>;
  /** Why a stage did not run, or how the file was used; one sentence for a person. */
  readonly notes: readonly string[];
}

export interface ValidationSummary {
  /** Files checked (history and unreadable names aside). */
  readonly files: number;
  readonly errors: number;
  readonly warnings: number;
  readonly filesWithErrors: number;
  /** Of `warnings`, those past the cap of a file and rule, counted and not listed (absent when none were). */
  readonly warningsLeftOut?: number;
}

/** Warnings of one rule in one file past the cap (`warningsPerRule`): counted, not listed. */
export interface LeftOutWarnings {
  readonly file: string;
  readonly rule: RuleCode;
  readonly count: number;
}

export interface ValidationReport {
  readonly findings: readonly Finding[];
  readonly files: readonly FileReport[];
  readonly summary: ValidationSummary;
  /**
   * What the set could not check, one sentence each: the set does not start at Day 0, so references to
   * records sent before it were not checked; rows whose facts are not known; and so on.
   */
  readonly limits: readonly string[];
  /** Warnings counted but not listed, by file and rule, when a cap left some out; the listed ones are each rule's first. */
  readonly leftOut?: readonly LeftOutWarnings[];
}

/** Lead's order for reading findings: by file, then line, then column. */
export function compareFindings(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column.localeCompare(b.column) || a.rule.localeCompare(b.rule);
}
