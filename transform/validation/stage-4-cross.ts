import { activityWindow, parseFileDate } from '../../core/file-date.js';
import { directionOf, namingOf, type FileTypeSpec, type Workflow } from '../file-type-spec.js';
import { FILE_TYPES, fileTypeById, fileTypeOrder, type FileTypeId } from '../file-types/registry.js';
import { canonicalHash } from '../submission-rules.js';
import type { FileColumns } from './file-columns.js';
import type { FindingList } from './judge.js';
import { CROSS } from './rule-catalog.js';
import { idsIn, instantOf } from './rule-kit.js';
import type {
  CrossContext, CrossRecordRule, DateFile, DateRule, Fact, FactKind, FactProducer, FactLookup, ProgramFacts, RowView, RuleCode,
} from './rule-types.js';
import type { Deferred, SetMemory, Version } from './set-memory.js';
import { recordKeyOf } from './stage-1-integrity.js';
import type { PriorVersion, SentFile, ValidationHistory } from './validation-history.js';

/**
 * Stage 4, rules across records and files of the set (sftp-process.md §1 stage 3+, §5, §6;
 * financial-validations.md; api-rules.md), the engine of what each file type declares: the ids it makes
 * known and the ones it names (`produces`, `references`), its versions (`effectiveAtColumn`,
 * `terminal`, `immutableColumns`), the facts other rules look up, its cross-record and date rules.
 *
 * Files are read in date order, and within a date in Lead's object order. Per row only compact facts
 * are gathered (ids, a projection of the columns a pending check reads, per-file tallies); rows are
 * never kept, and what waits for the date's end (references, cross-record checks) leaves the file for
 * the set's memory as it is gathered, a batch at a time (`flushRows`). Per file, the checks against earlier files run when the file ends; references,
 * cross-record checks and date rules run when its date ends, so files of one date may name each other in
 * any order. Everything that crosses files (ids, versions, facts, the checks deferred to the date's end)
 * goes through SetMemory, a batch at a time, so a one-pass run can keep it in PostgreSQL instead.
 */
export interface CrossOptions {
  readonly history: ValidationHistory;
  /** The set holds every file since the program's Day 0: an id it never saw was never sent. */
  readonly fromDay0: boolean;
  readonly program: ProgramFacts;
  /** The program's file types when a profile gives them; otherwise the set's own types stand in. */
  readonly programTypes?: readonly FileTypeSpec[];
}

/** A file of the set, superseded versions included (a file type is present for its date or batch). */
export interface SetEntry {
  readonly fileType: FileTypeId;
  /** The date (T), or the batch id of a batch-named file. */
  readonly key: string;
  /** T, or the date a batch id starts with ('' for none). */
  readonly fileDate: string;
}

interface PendingCheck {
  readonly rule: CrossRecordRule;
  readonly line: number;
  readonly values: Readonly<Record<string, string>>;
  readonly recordKey: string;
  sentBefore?: boolean;
}

/** What one file teaches the set, gathered row by row and let go once its date is done. */
export interface FileFacts {
  readonly file: string;
  readonly columns: FileColumns;
  readonly spec: FileTypeSpec;
  readonly fileDate: string;
  /** Its date, or its batch id. */
  readonly key: string;
  /** How a message names this file to a later one ("the file dated 2026-03-06"), one string per file. */
  readonly where: string;
  /** A date-named file's T-1 (epoch milliseconds), which its effective_at values must fall in. */
  readonly window?: { readonly start: number; readonly end: number; readonly activityDate: string };
  /** Whether its findings count: false for Lead's own files and for files the state store says were sent. */
  checked: boolean;
  readonly findings: FindingList;
  /** The file's place among its date's files, which deferred checks name. */
  readonly index: number;
  /** Deferred checks gathered and not yet handed to the set's memory. */
  readonly outbox: Deferred[];
  /** What it answered as it went, set at its first hand-over (`handOver`). */
  early?: EarlyAnswers;
  /** The ids it made known and their first line; kept in the set's memory instead when it has a place for them (`producedSpool`). */
  readonly produced: Map<string, number>;
  readonly producedSpool?: [string, number][];
  readonly versions: Map<string, { line: number; version: Version }>;
  readonly pending: PendingCheck[];
  readonly facts: Map<FactKind, Map<string, Record<string, string>>>;
  readonly aggregates: Map<string, unknown>;
  readonly windowFindings: { line: number; column: string; message: string }[];
  /** Lead's names of the columns the spec has and the program dropped: rules reading them are skipped. */
  readonly dropped: ReadonlySet<string>;
  /** Set when the file ends: whether stages 1-3 passed with no error, and whether every line could be read. */
  passed: boolean;
  readable: boolean;
}

export interface SetState {
  readonly options: CrossOptions;
  readonly memory: SetMemory;
  readonly entries: readonly SetEntry[];
  pending: FileFacts[];
  readonly kept: Map<DateRule, unknown>;
  /** Rows a rule could not check, by rule: the facts it needs are not in the set or history. */
  readonly unchecked: Map<RuleCode, number>;
  /** References not checked, by the file type named: the set cannot hold every record of it. */
  readonly referencesNotChecked: Map<FileTypeId, number>;
  readonly sent: Map<string, Promise<readonly SentFile[]>>;
}

export function createSetState(options: CrossOptions, memory: SetMemory, entries: readonly SetEntry[]): SetState {
  return { options, memory, entries, pending: [], kept: new Map(), unchecked: new Map(), referencesNotChecked: new Map(), sent: new Map() };
}

/** What history recorded for a file date, asked once per date. */
export function sentFor(state: SetState, fileDate: string): Promise<readonly SentFile[]> {
  let found = state.sent.get(fileDate);
  if (!found) state.sent.set(fileDate, (found = fileDate ? state.options.history.sentFiles(fileDate) : Promise.resolve([])));
  return found;
}

export function startFile(state: SetState, init: { file: string; columns: FileColumns; fileDate: string; key: string; checked: boolean; findings: FindingList }): FileFacts {
  const { spec } = init.columns;
  const window = namingOf(spec) === 'date' && init.fileDate ? activityWindow(parseFileDate(init.fileDate)) : undefined;
  const base = fileTypeById(spec.id);
  const facts: FileFacts = {
    ...init,
    spec,
    where: namingOf(spec) === 'date' ? `the file dated ${init.fileDate}` : `batch ${init.key || '(no id)'}`,
    ...(window ? { window: { start: window.start.toMillis(), end: window.end.toMillis(), activityDate: window.activityDate } } : {}),
    index: state.pending.length, outbox: [], ...(state.memory.produced ? { producedSpool: [] } : {}),
    produced: new Map(), versions: new Map(), pending: [], facts: new Map(), aggregates: new Map(), windowFindings: [],
    dropped: new Set(base.columns.map((c) => c.name).filter((lead) => init.columns.fileName(lead) === undefined)),
    passed: false, readable: false,
  };
  for (const aggregate of spec.validation?.aggregates ?? []) facts.aggregates.set(aggregate.name, aggregate.start());
  state.pending.push(facts);
  return facts;
}

/** A rule may read its columns: none was dropped by the program, none failed its format on this row. */
export function readable(facts: FileFacts, reads: readonly string[], failedLead: (lead: string) => boolean): boolean {
  return reads.every((lead) => !facts.dropped.has(lead) && !failedLead(lead));
}

/**
 * One row's cells as collectRow reads them (check-rows.ts settles where each sits once per file): by the
 * file's column name, or by Lead's, a value that failed its format or is not in the file then read as ''.
 */
export interface RowCells {
  cell(fileName: string): string;
  failedOrAbsent(fileName: string): boolean;
  /** Lead's column as the record rules read it. */
  readonly view: RowView;
  /** Lead's column as stage 4 reads it: '' when it failed its format or is not in the file. */
  readonly usable: RowView;
  /** Lead's column is in the program's file but failed its format or is absent from this one. */
  failedLead(leadName: string): boolean;
}

/** What collectRow reads of a file's spec, settled once per file instead of once per row. */
interface CollectPlan {
  readonly versioned: boolean;
  readonly references: readonly { readonly column: string; readonly fileColumn: string; readonly to: FileTypeId; readonly list: boolean; readonly prefixes: readonly string[] }[];
  readonly producers: readonly FactProducer[];
  /** The cross-record rules with their index in the spec's list; those reading a dropped column are left out. */
  readonly crossRecords: readonly { readonly rule: CrossRecordRule; readonly index: number }[];
}

const collectPlans = new WeakMap<FileFacts, CollectPlan>();

function collectPlanOf(facts: FileFacts): CollectPlan {
  let plan = collectPlans.get(facts);
  if (plan) return plan;
  const { spec, columns } = facts;
  plan = {
    versioned: tracksVersions(spec),
    references: (spec.references ?? []).filter((reference) => !facts.dropped.has(reference.column)).map((reference) => ({
      column: reference.column, fileColumn: columns.fileName(reference.column)!, to: reference.to, list: reference.list === true,
      prefixes: fileTypeById(reference.to).produces?.leadIdPrefixes ?? [],
    })),
    producers: (spec.validation?.facts ?? []).filter((producer) => !producer.reads.some((lead) => facts.dropped.has(lead))),
    crossRecords: (spec.validation?.crossRecords ?? []).map((rule, index) => ({ rule, index })).filter(({ rule }) => !rule.reads.some((lead) => facts.dropped.has(lead))),
  };
  collectPlans.set(facts, plan);
  return plan;
}

/** instantOf, asked twice of a row's effective_at (its version, its window): the last answer is kept. */
let lastText = '';
let lastInstant = Number.NaN;
function instantOfText(text: string): number {
  if (text !== lastText) {
    lastInstant = instantOf(text);
    lastText = text;
  }
  return lastInstant;
}

const startsWithAny = (text: string, prefixes: readonly string[]): boolean => {
  for (let i = 0; i < prefixes.length; i += 1) if (text.startsWith(prefixes[i]!)) return true;
  return false;
};

/**
 * Gathers a readable row's facts. `row` reads the row's cells; values that failed their format are not
 * used, so a wrong value is reported once, by stage 2. `recordKey`: the row's recordKeyOf, when the
 * caller has it already.
 */
export function collectRow(facts: FileFacts, line: number, row: RowCells, recordKey = recordKeyOf(facts.columns, row.cell)): void {
  const { columns, spec } = facts;
  const plan = collectPlanOf(facts);
  const { cell, failedOrAbsent: failed, usable: view, failedLead } = row;

  const produces = spec.produces?.columns;
  if (produces) {
    for (let i = 0; i < produces.length; i += 1) {
      const id = view.get(produces[i]!);
      if (id === '') continue;
      if (facts.producedSpool) facts.producedSpool.push([id, line]);
      else if (!facts.produced.has(id)) facts.produced.set(id, line);
    }
  }

  if (plan.versioned && recordKey !== '' && !facts.versions.has(recordKey)) {
    const atText = spec.effectiveAtColumn && !failed(spec.effectiveAtColumn) ? cell(spec.effectiveAtColumn) : '';
    const terminal = spec.terminal !== undefined && !failed(spec.terminal.column) && spec.terminal.values.includes(cell(spec.terminal.column));
    let immutable: Record<string, string> | undefined;
    if (spec.immutableColumns) {
      immutable = {};
      for (const c of spec.immutableColumns) immutable[c] = failed(c) ? '' : cell(c);
    }
    const hash = spec.rule === 'full-overwrite' ? canonicalHash(spec, spec.columns.map((c) => cell(c.name))) : undefined;
    // Built in place, in the order the memory has always been given (at, atText, terminal, immutable, hash, where).
    const version: { at?: number; atText?: string; terminal: boolean; immutable?: Record<string, string>; hash?: string; where?: string } = atText ? { at: instantOfText(atText), atText, terminal } : { terminal };
    if (immutable) version.immutable = immutable;
    if (hash) version.hash = hash;
    version.where = facts.where;
    facts.versions.set(recordKey, { line, version: version as Version });
  }

  for (let r = 0; r < plan.references.length; r += 1) {
    const reference = plan.references[r]!;
    const text = view.get(reference.column);
    if (text === '') continue;
    if (!reference.list) {
      if (!startsWithAny(text, reference.prefixes)) facts.outbox.push({ kind: 'reference', file: facts.index, line, column: reference.fileColumn, to: reference.to, id: text });
      continue;
    }
    for (const id of idsIn(text)) {
      if (startsWithAny(id, reference.prefixes)) continue;
      facts.outbox.push({ kind: 'reference', file: facts.index, line, column: reference.fileColumn, to: reference.to, id });
    }
  }

  const effectiveAt = view.get('effective_at');
  if (facts.window && effectiveAt !== '') {
    const at = instantOfText(effectiveAt);
    if (at < facts.window.start || at >= facts.window.end) {
      facts.windowFindings.push({
        line, column: columns.fileName('effective_at')!,
        message: `${effectiveAt} is outside ${facts.window.activityDate} (America/Chicago), the day the file dated ${facts.fileDate} carries`,
      });
    }
  }

  const validation = spec.validation;
  if (!validation) return;
  for (let c = 0; c < plan.crossRecords.length; c += 1) {
    const { rule, index } = plan.crossRecords[c]!;
    const reads = rule.reads;
    let usable = true;
    for (let k = 0; k < reads.length && usable; k += 1) usable = !failedLead(reads[k]!);
    if (!usable) continue;
    const values: Record<string, string> = {};
    for (let k = 0; k < reads.length; k += 1) values[reads[k]!] = view.get(reads[k]!);
    // A check that needs to know whether its record was sent before waits for the file's end, when that is asked.
    if (rule.usesSentBefore) facts.pending.push({ rule, line, values, recordKey });
    else facts.outbox.push({ kind: 'check', file: facts.index, line, rule: index, values });
  }
  for (let p = 0; p < plan.producers.length; p += 1) {
    const producer = plan.producers[p]!;
    const id = producer.key(view);
    if (id === undefined) continue;
    let known = facts.facts.get(producer.kind);
    if (!known) facts.facts.set(producer.kind, (known = new Map<string, Record<string, string>>()));
    const values = producer.values(view);
    const before = known.get(id);
    known.set(id, before && producer.merge ? producer.merge(before, values, true) : values);
  }
  const aggregates = validation.aggregates;
  if (aggregates) for (let a = 0; a < aggregates.length; a += 1) aggregates[a]!.add(facts.aggregates.get(aggregates[a]!.name), view, line, failedLead);
}

const OUTBOX_BATCH = 5_000;

/** Hands what waits for the date's end to the set's memory once a batch of it is gathered; nothing to wait for otherwise. */
export function flushRows(state: SetState, facts: FileFacts): Promise<void> | undefined {
  const spool = facts.producedSpool;
  const ids = spool && spool.length >= OUTBOX_BATCH ? () => state.memory.produced!.remember(facts.file, spool.splice(0)) : undefined;
  if (facts.outbox.length < OUTBOX_BATCH) return ids?.();
  const deferred = handOver(state, facts, facts.outbox.splice(0));
  return ids ? deferred.then(ids) : deferred;
}

/**
 * Row checks answered before their date ends. A reference naming a file type whose files of the date
 * have all ended (files come in Lead's object order, so a transaction's balance was made known before
 * it), or that the date has no file of, gets the answer the date's end would give: what the set knows of
 * that type cannot change before then. The same holds for a cross-record check whose facts all come
 * from such types (and history). `final`: those target types, each with whether the set or history can
 * hold every record of it (`covered`); `finalKinds`: the fact kinds, asked as rows need them;
 * `notChecked`: references to types not covered, counted when the date ends if the file is judged.
 */
interface EarlyAnswers {
  readonly final: ReadonlyMap<FileTypeId, boolean>;
  readonly finalKinds: Map<FactKind, boolean>;
  readonly notChecked: Map<FileTypeId, number>;
}

/** No file of `fileType` of the date is still to come when `facts` is read. */
function endedFor(state: SetState, facts: FileFacts, fileType: FileTypeId): boolean {
  return fileTypeOrder(fileType) < fileTypeOrder(facts.spec.id) || !state.entries.some((e) => e.fileType === fileType && e.fileDate === facts.fileDate);
}

function earlyOf(state: SetState, facts: FileFacts): EarlyAnswers {
  if (facts.early) return facts.early;
  const final = new Map<FileTypeId, boolean>();
  for (const { to } of facts.spec.references ?? []) if (endedFor(state, facts, to)) final.set(to, covered(state, to, facts.fileDate));
  return (facts.early = { final, finalKinds: new Map(), notChecked: new Map() });
}

/** The file types whose files make facts of a kind known to the set (facts come from nowhere else but history). */
const FACT_SOURCES = new Map<FactKind, FileTypeId[]>();
for (const spec of FILE_TYPES) {
  for (const producer of spec.validation?.facts ?? []) FACT_SOURCES.set(producer.kind, [...(FACT_SOURCES.get(producer.kind) ?? []), spec.id]);
}

function kindFinal(state: SetState, facts: FileFacts, early: EarlyAnswers, kind: FactKind): boolean {
  let final = early.finalKinds.get(kind);
  if (final === undefined) early.finalKinds.set(kind, (final = (FACT_SOURCES.get(kind) ?? []).every((type) => endedFor(state, facts, type))));
  return final;
}

/**
 * Gives the set's memory what still waits for the date's end, in the order it came. What is already
 * final is answered now, a batch at a time, and only a row with something to say waits on (a reference
 * naming a record neither the set nor history has, a check with a finding or that cannot run): whether
 * it counts depends on the file passing stages 1-3, known only when it ends, and the date's end answers
 * it again, the same way (there are next to none).
 */
async function handOver(state: SetState, facts: FileFacts, rows: Deferred[]): Promise<void> {
  const early = earlyOf(state, facts);
  const { final, notChecked } = early;
  const rules = facts.spec.validation?.crossRecords ?? [];
  const wanted = new Map<FileTypeId, Set<string>>();
  const checks: { at: number; check: Extract<Deferred, { kind: 'check' }>; rule: CrossRecordRule; view: RowView }[] = [];
  const needed = new Map<FactKind, Set<string>>();
  // By a row's place in `rows`: 1 when it is answered now and does not wait for the date's end.
  const answered = new Uint8Array(rows.length);
  let references = 0;
  for (let i = 0; i < rows.length; i += 1) {
    const d = rows[i]!;
    if (d.kind === 'check') {
      const rule = rules[d.rule]!;
      const view = viewOf(d.values);
      const needs = rule.needs(view);
      let ready = true;
      for (let k = 0; k < needs.length && ready; k += 1) ready = kindFinal(state, facts, early, needs[k]!.kind);
      if (!ready) continue;
      checks.push({ at: i, check: d, rule, view });
      for (const need of needs) if (need.id !== '') needed.set(need.kind, (needed.get(need.kind) ?? new Set()).add(need.id));
      continue;
    }
    const isCovered = final.get(d.to);
    if (isCovered === undefined) continue;
    answered[i] = 1;
    references += 1;
    if (isCovered) wanted.set(d.to, (wanted.get(d.to) ?? new Set()).add(d.id));
    else notChecked.set(d.to, (notChecked.get(d.to) ?? 0) + 1);
  }
  if (references === 0 && checks.length === 0) {
    await state.memory.defer(facts.fileDate, rows);
    return;
  }
  const unknown = new Map<FileTypeId, ReadonlySet<string>>();
  for (const [type, ids] of await state.memory.unknownIds(wanted)) {
    const sent = await state.options.history.knownIds(type, [...ids]);
    unknown.set(type, new Set([...ids].filter((id) => !sent.has(id))));
  }
  if (unknown.size > 0) {
    for (let i = 0; i < rows.length; i += 1) {
      const d = rows[i]!;
      if (answered[i] === 1 && d.kind === 'reference' && unknown.get(d.to)?.has(d.id)) answered[i] = 0;
    }
  }
  if (checks.length > 0) {
    const lookup = await factLookup(state, needed);
    const contexts = crossContexts(state, facts);
    for (const { at, check, rule, view } of checks) {
      const result = rule.check(view, lookup, contexts(check.sentBefore));
      if (result !== 'unchecked' && result.length === 0) answered[at] = 1;
    }
  }
  await state.memory.defer(facts.fileDate, answered.includes(1) ? rows.filter((_, i) => answered[i] === 0) : rows);
}

/** Batches of a list, for the memory's lookups and writes. */
function* batches<T>(items: Iterable<T>, size = OUTBOX_BATCH): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * A file is done. When it passed stages 1-3 and counts, its records are checked against the earlier
 * files of the set and history; either way what it made known joins the set, so a file rejected for one
 * row does not make every record that names it unknown too.
 */
export async function endFile(state: SetState, facts: FileFacts, outcome: { passed: boolean; readable: boolean }): Promise<void> {
  facts.passed = outcome.passed;
  facts.readable = outcome.readable;
  const { spec } = facts;
  if (facts.producedSpool) await state.memory.produced!.remember(facts.file, facts.producedSpool.splice(0));
  if (facts.checked && facts.passed) {
    for (const f of facts.windowFindings) facts.findings.add(f.line, f.column, CROSS.effectiveAtWindow.code, f.message);
    await newOnlyFindings(state, facts);
    await versionFindings(state, facts);
  }
  await markSentBefore(state, facts);

  const { memory } = state;
  // What waits for the date's end leaves the file: its references and row checks. Those of a file that is
  // not judged (it failed stages 1-3, or is history) are left out when the date's end drains them.
  const rules = spec.validation?.crossRecords ?? [];
  facts.outbox.push(...facts.pending.map((p) => ({
    kind: 'check' as const, file: facts.index, line: p.line, rule: rules.indexOf(p.rule), values: p.values, ...(p.sentBefore !== undefined ? { sentBefore: p.sentBefore } : {}),
  })));
  // Those of a file not judged would be left out anyway.
  if (facts.checked && facts.passed) await handOver(state, facts, facts.outbox.splice(0));
  else facts.outbox.length = 0;
  facts.pending.length = 0;
  if (spec.produces && facts.producedSpool) await memory.produced!.publish(facts.file, spec.id, facts.key);
  else if (spec.produces) for (const ids of batches(facts.produced.keys())) await memory.rememberIds(spec.id, ids, facts.key);
  // A row Lead rejects does not become the version the next file is compared with: one defect, one finding.
  const rejected = new Set(facts.findings.items.filter((f) => f.severity === 'error' && f.line > 0).map((f) => f.line));
  for (const batch of batches([...facts.versions].filter(([, { line }]) => !rejected.has(line)))) {
    const known = await memory.versions(spec.id, batch.map(([key]) => key));
    await memory.rememberVersions(spec.id, batch.map(([key, { version }]) => {
      const before = known.get(key);
      // Immutable values are the first ones set; a later version only fills those still empty.
      const immutable = before?.immutable && version.immutable
        ? Object.fromEntries(Object.entries(version.immutable).map(([c, v]) => [c, before.immutable![c] || v]))
        : version.immutable;
      return [key, { ...version, ...(immutable ? { immutable } : {}) }] as const;
    }));
  }
  for (const producer of spec.validation?.facts ?? []) {
    const made = facts.facts.get(producer.kind);
    if (!made) continue;
    for (const batch of batches(made)) {
      const previous = producer.merge ? await memory.facts(producer.kind, batch.map(([id]) => id)) : new Map<string, Fact>();
      await memory.rememberFacts(producer.kind, batch.map(([id, values]) => {
        const before = previous.get(id);
        const merged = before && producer.merge ? producer.merge(before.values, values, false) : values;
        return [id, { values: merged, terminal: terminalOf(spec, producer.kind, values), fileDate: facts.key, where: facts.where, complete: true }] as const;
      }));
    }
  }
  // Its versions and facts are in the set's memory now; only what the date's rules read stays till the date ends.
  facts.versions.clear();
  facts.facts.clear();
  facts.windowFindings.length = 0;
}

/** A fact of a file type's own kind is terminal as its records are (read by Lead's column name). */
function terminalOf(spec: FileTypeSpec, kind: FactKind, values: Readonly<Record<string, string>>): boolean {
  const terminal = fileTypeById(spec.id).terminal;
  if (kind !== spec.id || !terminal) return false;
  return terminal.values.includes(values[terminal.column] ?? '');
}

/** For checks that need it: was each row's record sent before this file (in the set or history)? */
async function markSentBefore(state: SetState, facts: FileFacts): Promise<void> {
  const wanting = facts.pending.filter((p) => p.rule.usesSentBefore && p.recordKey !== '');
  if (wanting.length === 0) return;
  const { spec } = facts;
  const sent = new Set<string>();
  for (const keys of batches(new Set(wanting.map((p) => p.recordKey)))) {
    const inSet = spec.produces ? await state.memory.knownIds(spec.id, keys) : await state.memory.versions(spec.id, keys);
    const rest = keys.filter((k) => !inSet.has(k));
    const fromHistory = rest.length === 0 ? new Set<string>()
      : spec.produces ? await state.options.history.knownIds(spec.id, rest) : new Set((await state.options.history.lastVersions(spec.id, rest)).keys());
    for (const key of keys) if (inSet.has(key) || fromHistory.has(key)) sent.add(key);
  }
  // Only a set from Day 0, or history that knows the whole type, can say a record is new.
  const complete = state.options.fromDay0 || state.options.history.covers.has(spec.id);
  for (const p of wanting) {
    p.sentBefore = sent.has(p.recordKey) ? true : complete ? false : undefined;
  }
}

/**
 * A file's ids read back at a time when it ends (the new-only check, the date rules' ids): a day's
 * transactions are a million ids, and each read is a round trip and a statement; a few MB at most.
 */
const READ_BACK_BATCH = 20_000;

async function newOnlyFindings(state: SetState, facts: FileFacts): Promise<void> {
  const rule = facts.spec.produces?.newOnly;
  if (!rule) return;
  const column = facts.columns.fileName(facts.spec.produces!.columns[0]!)!;
  for await (const batch of producedWithKnown(state, facts)) {
    // Only the ids the set did not know are asked of history; nearly always there is no finding at all.
    let rest: string[] | undefined;
    for (const [id, , at] of batch) if (at === undefined) (rest ??= []).push(id);
    const sentBefore = rest ? await state.options.history.knownIds(facts.spec.id, rest) : undefined;
    if (rest?.length === batch.length && sentBefore!.size === 0) continue;
    for (const [id, line, at] of batch) {
      if (at === undefined && !sentBefore!.has(id)) continue;
      const where = at === undefined ? 'before this set' : `in the file dated ${at || '(undated)'}`;
      facts.findings.add(line, column, rule.code, `${id} was already sent ${where}; each ${facts.spec.title} entry is sent once, ever`);
    }
  }
}

/** The file's ids with the file that made each known to the set before, from the memory's join when it keeps them. */
async function* producedWithKnown(state: SetState, facts: FileFacts): AsyncGenerator<readonly (readonly [string, number, string | undefined])[]> {
  if (facts.producedSpool) {
    yield* state.memory.produced!.ofFile(facts.file, facts.spec.id, READ_BACK_BATCH);
    return;
  }
  for (const batch of batches(facts.produced)) {
    const known = await state.memory.knownIds(facts.spec.id, batch.map(([id]) => id));
    yield batch.map(([id, line]) => [id, line, known.get(id)] as const);
  }
}

async function producedOf(state: SetState, facts: FileFacts): Promise<ReadonlyMap<string, number>> {
  if (!facts.producedSpool) return facts.produced;
  const all = new Map<string, number>();
  for await (const batch of state.memory.produced!.ofFile(facts.file, facts.spec.id, READ_BACK_BATCH)) for (const [id, line] of batch) all.set(id, line);
  return all;
}

async function versionFindings(state: SetState, facts: FileFacts): Promise<void> {
  const { spec } = facts;
  if (facts.versions.size === 0) return;
  const idColumn = facts.columns.fileName(spec.recordIdColumn) ?? spec.recordIdColumn;
  for (const batch of batches(facts.versions)) await versionBatchFindings(state, facts, batch, idColumn);
}

async function versionBatchFindings(state: SetState, facts: FileFacts, batch: readonly [string, { line: number; version: Version }][], idColumn: string): Promise<void> {
  const { spec } = facts;
  const keys = batch.map(([key]) => key);
  const inSet = await state.memory.versions(spec.id, keys);
  const rest = keys.filter((key) => !inSet.has(key));
  const fromHistory = rest.length ? await state.options.history.lastVersions(spec.id, rest) : new Map<string, PriorVersion>();
  for (const [key, { line, version }] of batch) {
    const prior = inSet.get(key) ?? priorFromHistory(fromHistory.get(key), facts.columns);
    if (!prior) continue;
    if (prior.terminal) {
      facts.findings.add(line, spec.terminal?.column ?? idColumn, CROSS.terminalRecordChanged.code,
        `${key} was sent ${spec.terminal ? `${spec.terminal.column} ${spec.terminal.values.join('/')}` : 'terminal'} in ${prior.where}; Lead takes no change to it after that`);
      continue;
    }
    const notLater = spec.effectiveAtColumn && version.at !== undefined && prior.at !== undefined && version.at <= prior.at;
    if (notLater) {
      facts.findings.add(line, spec.effectiveAtColumn!, CROSS.effectiveAtNotIncreasing.code, `${key}: ${version.atText} is not later than ${prior.atText}, its effective_at in ${prior.where}`);
    }
    let changedOnce = false;
    for (const [column, first] of Object.entries(prior.immutable ?? {})) {
      const now = version.immutable?.[column] ?? '';
      if (first !== '' && now !== first) {
        changedOnce = true;
        facts.findings.add(line, column, CROSS.immutableFieldChanged.code, `${key}: ${column} was first sent as ${first} in ${prior.where}; Lead lets it be set only once`);
      }
    }
    if (!notLater && !changedOnce && prior.hash !== undefined && prior.hash === version.hash) {
      facts.findings.add(line, idColumn, CROSS.unchangedRecordResent.code, `${key} is the same as in ${prior.where}; send a record again only when it changed`);
    }
  }
}

function priorFromHistory(prior: PriorVersion | undefined, columns: FileColumns): Version | undefined {
  if (!prior) return undefined;
  const immutable = prior.immutable
    ? Object.fromEntries(Object.entries(prior.immutable).map(([lead, v]) => [columns.fileName(lead) ?? lead, v]))
    : undefined;
  return {
    ...(prior.effectiveAt ? { at: instantOf(prior.effectiveAt), atText: prior.effectiveAt } : {}),
    terminal: prior.terminal,
    ...(immutable ? { immutable } : {}),
    ...(prior.contentHash ? { hash: prior.contentHash } : {}),
    where: 'a file sent before this set',
  };
}

export interface DateNotes {
  /** Why a check could not run, per file, for the report. */
  readonly notes: { file: string; note: string }[];
}

/** A date is done: references, cross-record checks, date rules and the set rules for its files. */
export async function endDate(state: SetState, date: string): Promise<DateNotes> {
  const files = state.pending;
  const notes: DateNotes['notes'] = [];
  const judged = (d: Deferred) => files[d.file]!.checked && files[d.file]!.passed;
  for (const facts of files) {
    if (!facts.checked || !facts.passed) continue;
    for (const [to, count] of facts.early?.notChecked ?? []) state.referencesNotChecked.set(to, (state.referencesNotChecked.get(to) ?? 0) + count);
  }
  for await (const drained of state.memory.drain(date, 10_000)) {
    const batch = drained.filter(judged);
    await referenceFindings(state, date, files, batch.filter((d): d is Extract<Deferred, { kind: 'reference' }> => d.kind === 'reference'));
    await crossRecordFindings(state, files, batch.filter((d): d is Extract<Deferred, { kind: 'check' }> => d.kind === 'check'));
  }
  state.pending = [];
  await dateRuleFindings(state, date, files, notes);
  await setFindings(state, date, files);
  return { notes };
}

function covered(state: SetState, fileType: FileTypeId, date: string): boolean {
  if (state.options.history.covers.has(fileType)) return true;
  const produces = fileTypeById(fileType).produces;
  const files = state.entries.filter((e) => e.fileType === fileType);
  if (!produces || files.length === 0) return false;
  return produces.complete === 'same-date' ? files.some((e) => e.fileDate === date) : state.options.fromDay0;
}

async function referenceFindings(state: SetState, date: string, files: readonly FileFacts[], references: readonly Extract<Deferred, { kind: 'reference' }>[]): Promise<void> {
  const byType = new Map<FileTypeId, Set<string>>();
  const checked = references.filter((r) => {
    if (covered(state, r.to, date)) return true;
    state.referencesNotChecked.set(r.to, (state.referencesNotChecked.get(r.to) ?? 0) + (r.count ?? 1));
    return false;
  });
  // A memory in a database resolved each reference against the set's ids as it drained them (a join).
  for (const r of checked) if (!r.inSet) byType.set(r.to, (byType.get(r.to) ?? new Set()).add(r.id));
  const unknown = new Map<FileTypeId, Set<string>>();
  for (const [type, ids] of byType) {
    const resolved = checked.every((r) => r.to !== type || r.inSet !== undefined);
    const inSet = resolved ? new Map<string, string>() : await state.memory.knownIds(type, [...ids]);
    const rest = [...ids].filter((id) => !inSet.has(id));
    const sent = rest.length ? await state.options.history.knownIds(type, rest) : new Set<string>();
    unknown.set(type, new Set(rest.filter((id) => !sent.has(id))));
  }
  for (const r of checked) {
    if (!unknown.get(r.to)?.has(r.id)) continue;
    const target = fileTypeById(r.to);
    const rule = target.produces?.unknown;
    if (!rule) continue;
    files[r.file]!.findings.add(r.line, r.column, rule.code,
      `${r.id} names no ${target.title} record sent before or in the set up to ${date || 'this batch'}; send it first, or correct the id`);
  }
}

async function crossRecordFindings(state: SetState, files: readonly FileFacts[], checks: readonly Extract<Deferred, { kind: 'check' }>[]): Promise<void> {
  if (checks.length === 0) return;
  const pending = checks.map((check) => ({ facts: files[check.file]!, check, rule: files[check.file]!.spec.validation!.crossRecords![check.rule]! }));
  const wanted = new Map<FactKind, Set<string>>();
  for (const { check, rule } of pending) {
    for (const need of rule.needs(viewOf(check.values))) {
      if (need.id !== '') wanted.set(need.kind, (wanted.get(need.kind) ?? new Set()).add(need.id));
    }
  }
  const lookup = await factLookup(state, wanted);
  for (const { facts, check, rule } of pending) {
    const result = runCheck(state, facts, check, rule, lookup);
    if (result === 'unchecked') {
      state.unchecked.set(rule.code, (state.unchecked.get(rule.code) ?? 0) + 1);
      continue;
    }
    for (const breach of result) facts.findings.add(check.line, facts.columns.fileName(breach.column) ?? breach.column, rule.code, breach.message);
  }
}

const viewOf = (values: Readonly<Record<string, string>>): RowView => ({ get: (lead) => values[lead] ?? '' });

/** The facts checks need, from the set's memory, then history for the ids it does not have. */
async function factLookup(state: SetState, wanted: ReadonlyMap<FactKind, ReadonlySet<string>>): Promise<FactLookup> {
  const found = new Map<FactKind, ReadonlyMap<string, Fact>>();
  for (const [kind, ids] of wanted) {
    const inSet = await state.memory.facts(kind, [...ids]);
    const rest = [...ids].filter((id) => !inSet.has(id));
    const all = new Map(inSet);
    if (rest.length > 0) {
      for (const [id, fact] of await state.options.history.facts(kind, rest)) all.set(id, fact);
      const left = rest.filter((id) => !all.has(id));
      // What the state store keeps of every sent record: its last version, terminal or not.
      if (left.length > 0 && isFileType(kind) && tracksVersions(fileTypeById(kind))) {
        for (const [id, prior] of await state.options.history.lastVersions(kind, left)) {
          all.set(id, { values: prior.effectiveAt ? { effective_at: prior.effectiveAt } : {}, terminal: prior.terminal, fileDate: '', where: 'a file sent before this set', complete: false });
        }
      }
    }
    found.set(kind, all);
  }
  return { get: (kind, id) => found.get(kind)?.get(id) };
}

function runCheck(state: SetState, facts: FileFacts, check: Extract<Deferred, { kind: 'check' }>, rule: CrossRecordRule, lookup: FactLookup): ReturnType<CrossRecordRule['check']> {
  return rule.check(viewOf(check.values), lookup, crossContextOf(state, facts, check.sentBefore));
}

function crossContextOf(state: SetState, facts: FileFacts, sentBefore: boolean | undefined): CrossContext {
  return {
    sentBefore,
    fileDate: facts.key,
    program: state.options.program,
    present: (fileType) => presentFor(state, facts.key, fileType),
    complete: (fileType) => state.options.history.covers.has(fileType) || (state.options.fromDay0 && state.entries.some((e) => e.fileType === fileType)),
  };
}

/** A file's checks share one context per answer to sentBefore, instead of one per check. */
function crossContexts(state: SetState, facts: FileFacts): (sentBefore: boolean | undefined) => CrossContext {
  const made = new Map<boolean | undefined, CrossContext>();
  return (sentBefore) => {
    let context = made.get(sentBefore);
    if (!context) made.set(sentBefore, (context = crossContextOf(state, facts, sentBefore)));
    return context;
  };
}

const isFileType = (kind: FactKind): kind is FileTypeId => !kind.includes('.');
const tracksVersions = (spec: FileTypeSpec) => Boolean(spec.effectiveAtColumn || spec.terminal || spec.immutableColumns || spec.rule === 'full-overwrite');

/** A file of `fileType` is in the set for this date or batch (any version). */
function presentFor(state: SetState, key: string, fileType: FileTypeId): boolean {
  return state.entries.some((e) => e.key === key && e.fileType === fileType);
}

async function presentWithHistory(state: SetState, key: string, fileDate: string, fileType: FileTypeId): Promise<boolean> {
  if (presentFor(state, key, fileType)) return true;
  const batch = key === fileDate ? undefined : key;
  return (await sentFor(state, fileDate)).some((f) => f.live && f.fileType === fileType && f.batchId === batch);
}

async function dateRuleFindings(state: SetState, date: string, files: readonly FileFacts[], notes: DateNotes['notes']): Promise<void> {
  const dateFiles: DateFile[] = files.map((facts) => ({
    file: facts.file,
    fileType: facts.spec.id,
    passed: facts.passed,
    readable: facts.readable,
    produced: () => producedOf(state, facts),
    columnName: (lead) => facts.columns.fileName(lead) ?? lead,
    aggregate: <T>(name: string) => facts.aggregates.get(name) as T | undefined,
  }));
  for (const spec of FILE_TYPES) {
    for (const rule of spec.validation?.dateRules ?? []) {
      const outcome = await rule.check({
        date,
        files: dateFiles,
        kept: state.kept.get(rule),
        balancesOf: (fileDate) => state.options.history.balancesOf(fileDate),
        fromDay0: state.options.fromDay0,
      });
      state.kept.set(rule, outcome.keep);
      for (const f of outcome.findings) {
        const facts = files.find((candidate) => candidate.file === f.file);
        if (facts?.checked) facts.findings.add(f.line, f.column, f.rule, f.message);
      }
      for (const note of outcome.notes ?? []) if (files.find((candidate) => candidate.file === note.file)?.checked) notes.push(note);
    }
  }
}

/** Lead's rules for the files of a date or batch together: every daily file of a workflow, both files of a batch. */
async function setFindings(state: SetState, date: string, files: readonly FileFacts[]): Promise<void> {
  const program = state.options.programTypes;
  const byOrder = [...files].sort((a, b) => fileTypeOrder(a.spec.id) - fileTypeOrder(b.spec.id));

  // Daily files: every date-named type of the workflow the program sends is there for the date, in the
  // set or sent before. Without a profile the set says only that a program sending Balances and
  // Transactions files sends both every day (Lead reconciles one against the other).
  const daily = byOrder.filter((f) => namingOf(f.spec) === 'date' && directionOf(f.spec) === 'outbound' && f.fileDate === date && date !== '');
  const workflows = [...new Set(daily.map((f) => f.spec.workflow))];
  for (const workflow of workflows) {
    const required = (program ?? inferredTypes(state)).filter((spec) => spec.workflow === workflow && namingOf(spec) === 'date' && directionOf(spec) === 'outbound');
    const missing: FileTypeSpec[] = [];
    for (const spec of required) if (!(await presentWithHistory(state, date, date, spec.id))) missing.push(spec);
    const first = daily.find((f) => f.spec.workflow === workflow && f.checked);
    if (missing.length === 0 || !first) continue;
    first.findings.add(0, '', CROSS.dailyFileMissing.code,
      `no ${missing.map((s) => s.title).join(', ')} file dated ${date}: the ${titleOf(workflow)} workflow of a date holds each of its files, header-only on a day with nothing to send`);
  }

  // A workflow Lead already processed successfully for the date (or batch) takes nothing more.
  for (const facts of byOrder.filter((f) => f.checked && f.fileDate === date && date !== '')) {
    const batch = namingOf(facts.spec) === 'batch' && facts.key !== facts.fileDate ? facts.key : undefined;
    const done = (await sentFor(state, date)).find((f) => f.validated && f.batchId === batch && isFileTypeIdText(f.fileType) && fileTypeById(f.fileType).workflow === facts.spec.workflow);
    if (!done) continue;
    facts.findings.add(0, '', CROSS.workflowAlreadyValidated.code,
      `Lead already processed the ${titleOf(facts.spec.workflow)} files of ${batch ?? date} successfully (${done.name}); nothing more is sent for them`);
  }

  // Batches: a type sent with another (Customer Relationship with Customer) goes in every batch of it.
  // Without a profile, only a set holding both types shows that the program sends both.
  const sends = (id: FileTypeId) => (program ? program.some((spec) => spec.id === id) : state.entries.some((e) => e.fileType === id));
  for (const spec of FILE_TYPES) {
    if (!spec.pairedWith || !sends(spec.id) || !sends(spec.pairedWith)) continue;
    const pair = [spec.id, spec.pairedWith] as const;
    for (const facts of byOrder.filter((f) => pair.includes(f.spec.id) && f.checked && f.fileDate === date)) {
      const other = facts.spec.id === spec.id ? spec.pairedWith : spec.id;
      if (await presentWithHistory(state, facts.key, facts.fileDate, other)) continue;
      facts.findings.add(0, '', CROSS.batchPairMissing.code,
        `no ${fileTypeById(other).title} file for batch ${facts.key}: a program that sends ${spec.title} files sends both files in every batch, header-only when nothing changed`);
    }
  }
}

/** Without a profile: Balances and Transactions, when the set holds both. */
function inferredTypes(state: SetState): FileTypeSpec[] {
  const pair: readonly FileTypeId[] = ['balances', 'transactions'];
  const both = pair.every((id) => state.entries.some((e) => e.fileType === id));
  return both ? FILE_TYPES.filter((spec) => pair.includes(spec.id)) : [];
}

const isFileTypeIdText = (id: string): id is FileTypeId => FILE_TYPES.some((spec) => spec.id === id);
const titleOf = (workflow: Workflow) => workflow[0]!.toUpperCase() + workflow.slice(1);
