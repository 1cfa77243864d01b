import { basename } from 'node:path';
import type { Workflow } from '../transform/file-type-spec.js';
import type { SetProblem } from './set-validator.js';

/**
 * What Lead's sandbox says in the program's Slack alerts channel, one function per kind of message.
 * Lead's real wording is not documented (sftp-process.md, section 1: the Slack Alerts page is not
 * available to us); these keep to what the docs say the alerts carry: which files passed, which file
 * failed and why, and that a file Lead posted has landed. The pipeline reads them back with the
 * patterns in load/lead-message-patterns.ts; a test keeps the two in step.
 */
export const WORKFLOW_TITLES: Readonly<Record<Workflow, string>> = {
  customer: 'Customer',
  compliance: 'Compliance',
  financial: 'Financial',
  sales: 'Sales',
};

/** `2026-03-06` for a date, `2026-03-06-01` for a batch id: the key as it starts the file names. */
const subject = (key: string, workflow: Workflow) => `${key} ${WORKFLOW_TITLES[workflow]} files`;

export function workflowValidated(key: string, workflow: Workflow, files: readonly string[]): string {
  return `✅ ${subject(key, workflow)} processed successfully: ${files.join(', ')}`;
}

export function workflowRejected(key: string, workflow: Workflow, reason: string): string {
  return `❌ ${subject(key, workflow)} rejected: ${reason}`;
}

export function fileFailed(file: string, problems: readonly SetProblem[]): string {
  const [first] = problems;
  // Line 0 is the file as a whole (its name, a record missing from it).
  const place = first ? [first.line > 0 ? `line ${first.line}` : '', first.column ? `column ${first.column}` : ''].filter(Boolean).join(' ') : '';
  const where = first ? `${place ? `${place}: ` : ''}${first.rule}: ${first.message}` : 'unknown problem';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return `❌ ${basename(file)} failed validation: ${where}${more}`;
}

export function fileNotAccepted(file: string, reason: string): string {
  return `❌ ${basename(file)} not accepted: ${reason}`;
}

export function filePosted(file: string, folder: string, detail: string): string {
  return `📥 ${basename(file)} posted in ${folder}: ${detail}`;
}

/** Reasons a whole set is rejected, worded for the workflow message. */
export const REJECTION_REASONS = {
  filesFailed: (failed: readonly string[], inPlay: readonly string[]) =>
    `${failed.join(', ')} failed validation, so none of ${inPlay.join(', ')} was processed. ` +
    'Send the fixed file(s) with a higher version; the others are processed again with them.',
  missing: (fileTypes: readonly string[]) =>
    `no ${fileTypes.join(', ')} file arrived; every file of the workflow is due each day, with only its header when there is nothing to report. ` +
    'Send the missing file(s); the others are processed with them.',
  previousDay: (previous: string, pending: readonly string[]) =>
    `${previous} has not been validated yet (${pending.join(', ')}); the files of a day are processed only after the previous day's passed. ` +
    `Send them again with a higher version once ${previous} is validated.`,
  beforeDay0: (day0: string) => `the date is before Day 0 (${day0}) of this program.`,
} as const;
