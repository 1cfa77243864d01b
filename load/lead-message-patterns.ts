import type { FileDate } from '../core/file-date.js';
import type { FileTypeSpec, Workflow } from '../transform/file-type-spec.js';
import { FILE_TYPES } from '../transform/file-types/registry.js';
import { parseLeadFileName } from '../transform/lead-file-name.js';

/**
 * Lead's answers as they appear in its Slack alerts channel, turned into data the pipeline can act on.
 * The patterns are a table, so a reader of Lead's real Slack channel shares them (and a changed wording
 * is one row to edit). Slack hands emoji back either as the character or as its `:name:` shortcode, so
 * both are matched. A message that matches no row is not one of Lead's file alerts and is ignored.
 */
export type LeadOutcome =
  /** Every file of the workflow passed; nothing more is accepted for its date or batch. */
  | 'validated'
  /** The workflow failed; `file` is set when the message is about one failing file. */
  | 'rejected'
  /** One upload was refused on arrival (already validated, version not higher, bad name); nothing changed. */
  | 'not_accepted'
  /** Lead put a file in one of its folders (the Sales Request). */
  | 'posted';

export interface LeadAnswer {
  readonly outcome: LeadOutcome;
  readonly workflow?: Workflow;
  readonly fileDate?: FileDate;
  /** When the message is about a Customer batch rather than a date. */
  readonly batchId?: string;
  /** The one file the message is about. */
  readonly file?: string;
  readonly fileType?: string;
  /** Every file a workflow message names. */
  readonly files?: readonly string[];
  readonly reason?: string;
  /** The Slack message id (`ts`), to read on from. */
  readonly ts: string;
  readonly text: string;
}

export interface LeadMessagePattern {
  readonly outcome: LeadOutcome;
  /** Named groups: `key` and `workflow` (workflow messages), `file`, `files`, `reason`. */
  readonly pattern: RegExp;
}

const OK = '(?:✅|:white_check_mark:|:heavy_check_mark:)';
const FAIL = '(?:❌|:x:|:red_circle:)';
const POSTED = '(?:📥|:inbox_tray:)';
const WORKFLOW = '(?<workflow>Customer|Compliance|Financial|Sales)';

export const LEAD_MESSAGE_PATTERNS: readonly LeadMessagePattern[] = [
  { outcome: 'validated', pattern: new RegExp(`^${OK}\\s*(?<key>\\S+) ${WORKFLOW} files processed successfully: (?<files>.+)$`, 's') },
  { outcome: 'rejected', pattern: new RegExp(`^${FAIL}\\s*(?<key>\\S+) ${WORKFLOW} files rejected: (?<reason>.+)$`, 's') },
  { outcome: 'rejected', pattern: new RegExp(`^${FAIL}\\s*(?<file>\\S+) failed validation: (?<reason>.+)$`, 's') },
  { outcome: 'not_accepted', pattern: new RegExp(`^${FAIL}\\s*(?<file>\\S+) not accepted: (?<reason>.+)$`, 's') },
  { outcome: 'posted', pattern: new RegExp(`^${POSTED}\\s*(?<file>\\S+) posted in (?<folder>\\S+): (?<reason>.+)$`, 's') },
];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `specs` are the file types whose names the messages may carry (the program's; by default all Lead's),
 * needed to tell the date, the type and the workflow from a file name.
 */
export function classifyLeadMessage(
  message: { readonly ts: string; readonly text: string },
  specs: readonly FileTypeSpec[] = FILE_TYPES,
  /** The program's own patterns first (Lead's real wording, when it differs), then the defaults. */
  patterns: readonly LeadMessagePattern[] = LEAD_MESSAGE_PATTERNS,
): LeadAnswer | undefined {
  for (const { outcome, pattern } of patterns) {
    const groups = pattern.exec(message.text.trim())?.groups;
    if (!groups) continue;
    const base = { outcome, ts: message.ts, text: message.text, ...(groups.reason ? { reason: groups.reason.trim() } : {}) };
    if (groups.workflow) {
      const key = groups.key!;
      const files = groups.files ? groups.files.split(',').map((f) => f.trim()).filter(Boolean) : undefined;
      return { ...base, workflow: groups.workflow.toLowerCase() as Workflow, ...keyOf(key), ...(files ? { files } : {}) };
    }
    const file = groups.file!;
    const parsed = parseLeadFileName(file, specs);
    return {
      ...base,
      file,
      ...(parsed ? { workflow: parsed.spec.workflow, fileType: parsed.spec.id, ...keyOf(parsed.key) } : {}),
    };
  }
  return undefined;
}

function keyOf(key: string): { fileDate: FileDate } | { batchId: string } {
  return DATE.test(key) ? { fileDate: key as FileDate } : { batchId: key };
}

/** Patterns from configuration: a regex with the same named groups, tried before the defaults. */
export function configuredPatterns(rows: readonly { outcome: 'validated' | 'rejected'; regex: string }[]): LeadMessagePattern[] {
  return [...rows.map((row) => ({ outcome: row.outcome, pattern: new RegExp(row.regex, 's') })), ...LEAD_MESSAGE_PATTERNS];
}
