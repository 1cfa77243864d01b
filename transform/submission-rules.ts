import { hash } from 'node:crypto';
import type { ActivityWindow } from '../core/file-date.js';
import type { FileTypeSpec } from './file-type-spec.js';
import type { ProblemLog } from './problem-log.js';
import { isoInstantMillis } from './timestamp-text.js';

/**
 * Lead's four submission rules as one stage between mapping and writing, chosen by the file type's
 * `rule`:
 *   full-overwrite  only records that are new or whose canonical content changed since the last version
 *                   sent; each row complete; effective_at strictly later than the last one sent; a record
 *                   sent in a terminal state is never sent again, and one that comes back live in the
 *                   ledger (a re-opened account) is a problem (`terminal.reopened`), never dropped silently
 *   new-only        an entry id is sent once, ever (reruns and backfills included)
 *   updates-only    only entries already sent, and only when a field Lead lets change did change
 *   daily-snapshot  every row, every day
 * What was sent before comes from the state store through `lookup`, a batch at a time, so memory stays
 * flat.
 */
export interface PriorSubmission {
  /** Kept for full-overwrite types only, the one rule that compares content. */
  readonly contentHash: string | null;
  readonly effectiveAt: string | null;
  readonly terminal: boolean;
  readonly tracked: Readonly<Record<string, string>> | null;
}

/** Latest live submission per record id of `fileType`. */
export type PriorLookup = (fileType: string, recordIds: readonly string[]) => Promise<Map<string, PriorSubmission>>;

export interface MappedRecord {
  readonly line: number;
  readonly recordId: string;
  readonly values: string[];
}

export interface RuleNotices {
  unchanged: number;
  alreadySent: number;
  effectiveAtMoved: number;
  terminalSkipped: number;
  updatesForUnsent: number;
  updatesUnchanged: number;
  /** A few example record ids for the notices above (ids only, never other values). */
  examples: string[];
}

export const emptyNotices = (): RuleNotices => ({
  unchanged: 0, alreadySent: 0, effectiveAtMoved: 0, terminalSkipped: 0, updatesForUnsent: 0, updatesUnchanged: 0, examples: [],
});

const ALWAYS_EXCLUDED = ['generated_at', 'effective_at'];

/**
 * The record's content as Lead sees it, without the columns that change on every send: the sha256 of
 * the JSON of its [column, value] pairs. The state store keeps it, so its bytes never change; the JSON
 * is put together from each spec's column names, quoted once, instead of an array of pairs per row,
 * and a value JSON would write as it is (the usual one) is quoted without a call to JSON.stringify.
 */
export function canonicalHash(spec: FileTypeSpec, values: readonly string[]): string {
  let hashed = hashedColumns.get(spec);
  if (!hashed) {
    const excluded = new Set([...ALWAYS_EXCLUDED, ...(spec.hashExcludes ?? [])]);
    const kept = spec.columns.flatMap((c, at) => (excluded.has(c.name) ? [] : [{ at, name: c.name }]));
    hashed = kept.map(({ at, name }, i) => ({ at, opening: `${i === 0 ? '[' : ','}[${JSON.stringify(name)},` }));
    hashedColumns.set(spec, hashed);
  }
  let json = hashed.length === 0 ? '[' : '';
  for (let i = 0; i < hashed.length; i += 1) {
    const column = hashed[i]!;
    const value = values[column.at] ?? '';
    json += `${column.opening}${JSON_ESCAPED.test(value) ? JSON.stringify(value) : `"${value}"`}]`;
  }
  // One-shot: the same sha256 without a Hash object per record.
  return hash('sha256', `${json}]`, 'hex');
}

/** What JSON.stringify writes other than as it is: quote, backslash, controls, and surrogates (lone ones escaped). */
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

const hashedColumns = new WeakMap<FileTypeSpec, ReadonlyArray<{ readonly at: number; readonly opening: string }>>();

export function isTerminal(spec: FileTypeSpec, values: readonly string[]): boolean {
  if (!spec.terminal) return false;
  const at = spec.columns.findIndex((c) => c.name === spec.terminal!.column);
  return at >= 0 && spec.terminal.values.includes(values[at] ?? '');
}

/** Values of the columns an updates-only file may change, as last sent for this record. */
export function trackedValues(spec: FileTypeSpec, values: readonly string[], tracked: readonly string[]): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const name of tracked) {
    const at = spec.columns.findIndex((c) => c.name === name);
    if (at >= 0) out[name] = values[at] ?? '';
  }
  return Object.keys(out).length > 0 ? out : null;
}

export interface RuleContext {
  readonly spec: FileTypeSpec;
  readonly window: ActivityWindow;
  /** The text written for `:as_of` (the last second of T-1) in the file's timestamp zone. */
  readonly asOfText: string;
  readonly lookup: PriorLookup;
  /** For updates-only: the file type whose entries it updates (Transactions for Transactions Update). */
  readonly updatesFileType?: string;
  readonly problems: ProblemLog;
  readonly notices: RuleNotices;
  readonly batchSize?: number;
}

/**
 * Records in, batches of the rows kept out: each batch of `batchSize` records is decided with one
 * lookup, and handed on whole before the next records are read.
 */
export async function* applySubmissionRule(records: AsyncIterable<Iterable<MappedRecord>>, ctx: RuleContext): AsyncGenerator<string[][]> {
  let previousId: string | undefined;
  let batch: MappedRecord[] = [];
  const size = ctx.batchSize ?? 500;
  const instants = instantsOf(ctx);
  for await (const some of records) {
    for (const record of some) {
      // Queries return rows ordered by record id, so a duplicate is always next to its twin.
      if (record.recordId !== '' && record.recordId === previousId) {
        ctx.problems.add({ fileType: ctx.spec.id, line: record.line, recordId: record.recordId, column: ctx.spec.recordIdColumn, rule: 'record.duplicate', message: 'the query returned this record id twice; a Lead file may hold each record once' });
        continue;
      }
      previousId = record.recordId;
      batch.push(record);
      if (batch.length >= size) {
        const kept = await decide(batch, ctx, instants);
        batch = [];
        if (kept.length > 0) yield kept;
      }
    }
  }
  if (batch.length > 0) {
    const kept = await decide(batch, ctx, instants);
    if (kept.length > 0) yield kept;
  }
}

/** The instants every record of a file is compared with, as epoch milliseconds, read once per file. */
interface RuleInstants {
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly asOf: number;
}

function instantsOf(ctx: RuleContext): RuleInstants {
  return { windowStart: ctx.window.start.toMillis(), windowEnd: ctx.window.end.toMillis(), asOf: isoInstantMillis(ctx.asOfText) };
}

async function decide(batch: readonly MappedRecord[], ctx: RuleContext, instants: RuleInstants): Promise<string[][]> {
  const { spec, notices } = ctx;
  const note = (id: string) => {
    if (notices.examples.length < 10) notices.examples.push(id);
  };
  switch (spec.rule) {
    case 'inbound':
    case 'daily-snapshot':
      return batch.map((r) => r.values);
    case 'new-only': {
      const prior = await ctx.lookup(spec.id, batch.map((r) => r.recordId));
      const kept: string[][] = [];
      for (let i = 0; i < batch.length; i += 1) {
        const r = batch[i]!;
        if (prior.has(r.recordId)) notices.alreadySent += 1;
        else kept.push(r.values);
      }
      return kept;
    }
    case 'updates-only': {
      const target = ctx.updatesFileType ?? spec.id;
      const sent = await ctx.lookup(target, batch.map((r) => r.recordId));
      const updates = await ctx.lookup(spec.id, batch.map((r) => r.recordId));
      const kept: string[][] = [];
      for (const r of batch) {
        const original = sent.get(r.recordId);
        if (!original) {
          notices.updatesForUnsent += 1;
          note(r.recordId);
          continue;
        }
        const latest = updates.get(r.recordId)?.tracked ?? original.tracked ?? {};
        const now = trackedValues(spec, r.values, spec.updatableColumns ?? []) ?? {};
        if (Object.entries(now).every(([k, v]) => latest[k] === v)) {
          notices.updatesUnchanged += 1;
          continue;
        }
        kept.push(r.values);
      }
      return kept;
    }
    case 'full-overwrite': {
      const prior = await ctx.lookup(spec.id, batch.map((r) => r.recordId));
      const at = spec.effectiveAtColumn ? spec.columns.findIndex((c) => c.name === spec.effectiveAtColumn) : -1;
      const kept: string[][] = [];
      for (const r of batch) {
        const last = prior.get(r.recordId);
        if (last?.terminal) {
          if (last.contentHash === canonicalHash(spec, r.values)) continue;
          if (!isTerminal(spec, r.values)) {
            // Lead forbids it, and leaving the record out would hide that the ledger and Lead now disagree.
            ctx.problems.add({
              fileType: spec.id, line: r.line, recordId: r.recordId, column: spec.terminal!.column, rule: 'terminal.reopened',
              message: `was sent in a terminal ${spec.terminal!.column}, after which Lead accepts no change, yet the ledger has it live again (${spec.terminal!.column} ${r.values[spec.columns.findIndex((c) => c.name === spec.terminal!.column)] || 'empty'}); resolve it with Lead (a re-opened record needs a new id); nothing of its workflow is sent`,
            });
            continue;
          }
          notices.terminalSkipped += 1;
          note(r.recordId);
          continue;
        }
        if (last && last.contentHash === canonicalHash(spec, r.values)) {
          notices.unchanged += 1;
          continue;
        }
        if (at >= 0) {
          const lastAt = last?.effectiveAt ? isoInstantMillis(last.effectiveAt) : undefined;
          const text = r.values[at] ?? '';
          const millis = isoInstantMillis(text);
          // NaN (a text luxon finds invalid) is neither in the window nor after anything: it is stamped.
          const keepsItsTime = keepsTime(millis, lastAt, instants);
          const written = keepsItsTime ? text : ctx.asOfText;
          if (written !== r.values[at]) {
            notices.effectiveAtMoved += 1;
            r.values[at] = written;
          }
          if (last?.effectiveAt && lastAt !== undefined && (keepsItsTime ? millis : instants.asOf) <= lastAt) {
            ctx.problems.add({ fileType: spec.id, line: r.line, recordId: r.recordId, column: spec.effectiveAtColumn!, rule: 'effective_at.not_after_last', message: `must be later than ${last.effectiveAt}, the effective_at of the version already sent` });
            continue;
          }
        }
        kept.push(r.values);
      }
      return kept;
    }
  }
}

/**
 * Lead checks every timestamp falls in T-1 and that a re-sent record's effective_at strictly increases.
 * A change the ledger dates inside the window keeps its time; one it dates earlier (first send of an old
 * record, or a change the ledger does not timestamp) is stamped with the end of T-1, when it was observed.
 * Instants are epoch milliseconds read from the ISO text once (isoInstantMillis), not DateTimes.
 */
function keepsTime(millis: number, last: number | undefined, instants: RuleInstants): boolean {
  return millis >= instants.windowStart && millis < instants.windowEnd && (last === undefined || millis > last);
}
