import { basename } from 'node:path';
import type { Profile } from '../../config/profile-schema.js';
import { LeadEtlError } from '../../core/errors.js';
import { directionOf, type FileTypeSpec } from '../file-type-spec.js';
import { FILE_TYPES, fileTypeOrder } from '../file-types/registry.js';
import { isKnownCurrency } from '../money.js';
import type { ProgramFileType } from '../program-file-types.js';
import { programSettingsOf, type ProgramSettings } from '../program-settings.js';
import { createRowChecker, type RowChecker } from './check-rows.js';
import { fileColumnsOf, type FileColumns } from './file-columns.js';
import { parseFileName, type ParsedFileName } from './file-name.js';
import { compareFindings, type FileReport, type Finding, type LeftOutWarnings, type StageOutcome, type ValidationReport } from './finding.js';
import { createJudge, FindingList, type Judge } from './judge.js';
import { INTEGRITY, ruleByCode } from './rule-catalog.js';
import type { ProgramFacts, ValidationStage } from './rule-types.js';
import { memorySetMemory, type SetMemory } from './set-memory.js';
import { repeatFinding } from './stage-1-integrity.js';
import { createSetState, endDate, endFile, flushRows, sentFor, startFile, type FileFacts, type SetEntry, type SetState } from './stage-4-cross.js';
import { emptyHistory, type ValidationHistory } from './validation-history.js';

/**
 * Pre-flight validation of a set of files: says what Lead would reject before Lead does, every reason at
 * once (Lead rejects a whole file for one row and says so hours later), and where a file takes a reading
 * of Lead's docs Lead has not confirmed (a warning, which never stops anything).
 *
 * The set's names are known first; then its files are checked one at a time, in date order and Lead's
 * object order (`order`), each row as it comes (`startFile` gives the file's row checker), and only
 * compact facts pass from one file to the next, through the set's memory (set-memory.ts). Who produces
 * the rows is the caller's business: validate-files.ts reads them from files with csv-parse (`lead-etl
 * validate`, Lead's sandbox); the run pipeline hands over the rows it writes, as it writes them.
 */
export interface ValidationOptions {
  /**
   * The program's file types with its profile applied (tokens, renamed and added columns, enum values),
   * and its settings (or the profile they come from). Without it every file type Lead has is known by its
   * default token, and what the program sends is read off the set.
   */
  readonly program?: { readonly files: readonly ProgramFileType[]; readonly profile?: Profile; readonly settings?: ProgramSettings };
  /** The currency of amounts in files with no currency column (Balances). Default USD. */
  readonly programCurrency?: string;
  /** What was sent before the set; files-only by default. */
  readonly history?: ValidationHistory;
  /** The set holds every file since the program's Day 0, so an id it never saw was never sent. */
  readonly fromDay0?: boolean;
  /** The program's Day 0: a set whose earliest date is Day 0 holds every file since, without `fromDay0`. */
  readonly day0?: string;
  /** Where the set's cross-file memory lives: in this process by default (see set-memory.ts). */
  readonly memory?: SetMemory;
  /**
   * Keep only the first that many warnings of each rule in each file, counting the rest (the report's
   * `leftOut`, and `summary.warnings` stays the exact count). Errors are never left out. Default: every one.
   */
  readonly warningsPerRule?: number;
}

/** One file being checked: its rows go to `checker`, then `end` settles stages 1-3 and what it teaches the set. */
export interface FileCheck {
  readonly path: string;
  readonly columns: FileColumns;
  readonly findings: FindingList;
  /** The program's severities, for findings the caller adds itself. */
  readonly judge: Judge;
  /** What the file teaches the set; undefined for a superseded version (only the latest counts). */
  readonly facts?: FileFacts;
  readonly checker: RowChecker;
  /** `readable`: every line was read into fields; `sha256`: the file's bytes, to tell a file history already has. */
  end(read: { readonly readable: boolean; readonly sha256: string }): Promise<void>;
}

export interface SetValidation {
  /** The paths of the files to check, in the order `startFile` takes them. */
  readonly order: readonly string[];
  startFile(path: string): Promise<FileCheck>;
  /** Ends the last date and reports; every file of `order` must have ended. */
  report(): Promise<ValidationReport>;
}

interface SetFile {
  readonly path: string;
  readonly name: ParsedFileName;
  superseded?: string;
}
type NamedFile = SetFile & { name: Extract<ParsedFileName, { ok: true }> };

type Stages = Record<ValidationStage, StageOutcome>;

/** A file's report while the set is read: stage 4 and notes are settled only when its date ends. */
interface FileResult {
  readonly report: FileReport & { notes: string[]; stages: Stages; rows: number };
  readonly findings: FindingList;
  facts?: FileFacts;
  /** Recorded in the state store as sent (same name and content): read for what it made known, not checked. */
  history?: boolean;
}

interface Context {
  readonly programCurrency: string;
  readonly state: SetState;
  readonly judge: Judge;
  readonly program: ProgramFacts;
  readonly renames: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly versionFormats: ReadonlyMap<string, string>;
  readonly depositProgram: boolean;
  readonly warningsPerRule: number;
}

export function createSetValidation(paths: readonly string[], options: ValidationOptions = {}): SetValidation {
  const programCurrency = options.programCurrency ?? 'USD';
  if (!isKnownCurrency(programCurrency)) throw new LeadEtlError('USAGE', `program currency "${programCurrency}" is not an upper-case ISO 4217 code`);
  const program = options.program;
  const specs: readonly FileTypeSpec[] = program?.files.map((f) => f.spec) ?? FILE_TYPES;
  const settings = program?.settings ?? (program?.profile ? programSettingsOf(program.profile) : undefined);
  const judge = createJudge(settings?.rules);
  const history = options.history ?? emptyHistory;
  if (options.warningsPerRule !== undefined && !(options.warningsPerRule >= 1)) throw new Error(`validation: warningsPerRule must be 1 or more, got ${options.warningsPerRule}`);

  const files: SetFile[] = paths.map((path) => ({ path, name: parseFileName(basename(path), specs) }));
  const results = new Map<string, FileResult>();
  for (const file of files) {
    if (!file.name.ok) results.set(file.path, unreadable(file.path, file.name.rule, file.name.message, judge));
  }

  // A resubmission (V2) replaces the file it corrects: only the latest version of each file counts as sent.
  const named = files.filter((f): f is NamedFile => f.name.ok);
  const keyOf = (f: NamedFile) => `${f.name.spec.id}|${f.name.batchId ?? f.name.fileDate}`;
  const latest = new Map<string, NamedFile>();
  for (const file of named) {
    const other = latest.get(keyOf(file));
    if (!other || other.name.versionNumber < file.name.versionNumber) latest.set(keyOf(file), file);
  }
  for (const file of named) {
    if (latest.get(keyOf(file)) !== file) file.superseded = basename(latest.get(keyOf(file))!.path);
  }
  named.sort((a, b) => (a.name.fileDate ?? '').localeCompare(b.name.fileDate ?? '') || fileTypeOrder(a.name.spec.id) - fileTypeOrder(b.name.spec.id)
    || a.name.versionNumber - b.name.versionNumber || a.path.localeCompare(b.path));

  const dates = named.map((f) => f.name.fileDate ?? '').filter((d) => d !== '').sort();
  const earliest = dates[0];
  const fromDay0 = Boolean(options.fromDay0) || (options.day0 !== undefined && earliest === options.day0);
  const entries: SetEntry[] = named.map((f) => ({ fileType: f.name.spec.id, key: f.name.batchId ?? f.name.fileDate ?? '', fileDate: f.name.fileDate ?? '' }));
  const programFacts: ProgramFacts = {
    ...(settings?.kind ? { kind: settings.kind } : {}),
    authorizedUsers: settings?.authorizedUsers ?? (named.some((f) => f.name.spec.id === 'authorized_users') ? 'authorized_users_file' : 'unknown'),
  };
  const state = createSetState({ history, fromDay0, program: programFacts, ...(program ? { programTypes: specs } : {}) }, options.memory ?? memorySetMemory(), entries);
  const context: Context = {
    programCurrency, state, judge, program: programFacts,
    renames: new Map((program?.files ?? []).map((f) => [f.spec.id, f.renames ?? {}])),
    versionFormats: new Map((program?.files ?? []).map((f) => [f.spec.id, f.versionFormat])),
    depositProgram: settings?.kind === 'deposit',
    warningsPerRule: options.warningsPerRule ?? Infinity,
  };

  // A version number is used once per file type and date or batch: the second file with it is named.
  const firstWithVersion = new Map<string, string>();
  const twins = new Map<string, string>();
  for (const file of named) {
    const where = `${keyOf(file)}|${file.name.versionNumber}`;
    const other = firstWithVersion.get(where);
    if (other === undefined) firstWithVersion.set(where, file.path);
    else twins.set(file.path, other);
  }

  let date: string | undefined;
  let next = 0;
  let open: FileCheck | undefined;
  const finishDate = async () => {
    if (date === undefined) return;
    const outcome = await endDate(state, date);
    for (const n of outcome.notes) results.get(n.file)?.report.notes.push(n.note);
  };

  return {
    order: named.map((f) => f.path),
    async startFile(path) {
      const file = named[next];
      if (!file || file.path !== path || open) throw new Error(`validation: ${path} started out of order (expected ${file?.path ?? 'no more files'})`);
      next += 1;
      const fileDate = file.name.fileDate ?? '';
      if (date !== fileDate) {
        await finishDate();
        date = fileDate;
      }
      const check = await checkFile(file, context, twins.get(file.path), (result) => {
        results.set(file.path, result);
        open = undefined;
      });
      open = check;
      return check;
    },
    async report() {
      if (open || next < named.length) throw new Error(`validation: ${named.length - next} file(s) of the set were not checked`);
      await finishDate();
      date = undefined;
      return reportOf(state, files, named, results, { fromDay0, day0: options.day0, earliest, historyCovers: history.covers.size > 0 });
    },
  };
}

function reportOf(state: SetState, files: readonly SetFile[], named: readonly NamedFile[], results: ReadonlyMap<string, FileResult>, set: LimitFacts): ValidationReport {
  const ordered = [...files.filter((f) => !f.name.ok), ...named].map((f) => results.get(f.path)!);
  const findings: Finding[] = [];
  const leftOut: LeftOutWarnings[] = [];
  const reports: FileReport[] = [];
  let errors = 0;
  const filesWithErrors = new Set<string>();
  for (const result of ordered) {
    const { report } = result;
    if (result.history) {
      report.notes.push('recorded in the state store as sent (same name and content): history, not a new submission, so not checked');
    } else {
      const own = result.findings.items;
      if (report.stages[4] === 'passed' && own.some((f) => f.severity === 'error' && f.rule.startsWith('cross.'))) report.stages[4] = 'failed';
      // One at a time: a spread of a file's findings as arguments overflows the stack past some 100k.
      for (const finding of own.sort(compareFindings)) {
        findings.push(finding);
        if (finding.severity === 'error') {
          errors += 1;
          filesWithErrors.add(finding.file);
        }
      }
      for (const [rule, count] of [...result.findings.leftOut].sort(([a], [b]) => a.localeCompare(b))) leftOut.push({ file: report.file, rule, count });
    }
    reports.push(report);
  }
  const checked = ordered.filter((r) => r.report.stages[1] !== 'not run' && !r.history);
  const warningsLeftOut = leftOut.reduce((sum, l) => sum + l.count, 0);
  return {
    findings,
    files: reports,
    summary: {
      files: checked.length,
      errors,
      warnings: findings.length - errors + warningsLeftOut,
      filesWithErrors: filesWithErrors.size,
      ...(warningsLeftOut > 0 ? { warningsLeftOut } : {}),
    },
    limits: limitsOf(state, set),
    ...(leftOut.length > 0 ? { leftOut } : {}),
  };
}

interface LimitFacts {
  readonly fromDay0: boolean;
  readonly day0: string | undefined;
  readonly earliest: string | undefined;
  readonly historyCovers: boolean;
}

function limitsOf(state: SetState, set: LimitFacts): string[] {
  const limits: string[] = [];
  if (state.referencesNotChecked.size > 0) {
    const what = [...state.referencesNotChecked].map(([type, count]) => `${count} to ${FILE_TYPES.find((s) => s.id === type)!.title}`).join(', ');
    const why = set.fromDay0 ? 'the set holds no file of that type'
      : set.day0 ? `the set starts ${set.earliest ?? 'without a dated file'}, not at Day 0 (${set.day0})`
        : 'the set is not known to start at the program\'s Day 0';
    limits.push(`references not checked (${what}): ${why}, so a record not in the set may have been sent before it; validate from Day 0 (--day0 DATE), or with the state store (--config)`);
  }
  for (const [code, count] of state.unchecked) {
    limits.push(`${code}: ${count} row(s) not checked: they depend on records the set does not hold, or on whether their own record was sent before it${set.historyCovers ? ' (the state store keeps only each record\'s last version)' : ''}; ${ruleByCode(code)?.description ?? ''}`);
  }
  return limits;
}

function unreadable(path: string, rule: 'integrity.file_name' | 'integrity.file_date', message: string, judge: Judge): FileResult {
  const findings = new FindingList(judge, path);
  findings.add(0, '', rule, message);
  return {
    report: { file: path, rows: 0, stages: { 1: 'failed', 2: 'not run', 3: 'not run', 4: 'not run' }, notes: ['the name does not say which file this is, so nothing in it was read'] },
    findings,
  };
}

async function checkFile(file: NamedFile, context: Context, twin: string | undefined, done: (result: FileResult) => void): Promise<FileCheck> {
  const { spec } = file.name;
  const columns = fileColumnsOf(spec, context.renames.get(spec.id));
  const findings = new FindingList(context.judge, file.path, context.warningsPerRule);
  const report: FileResult['report'] = {
    file: file.path,
    fileType: spec.id,
    ...(file.name.fileDate ? { fileDate: file.name.fileDate } : {}),
    ...(file.name.batchId ? { batchId: file.name.batchId } : {}),
    version: file.name.version,
    rows: 0,
    stages: { 1: 'not run', 2: 'not run', 3: 'not run', 4: 'not run' },
    notes: [],
  };
  nameFindings(file, context, findings);
  if (twin) findings.add(0, '', INTEGRITY.fileVersion.code, `version ${file.name.version} is also the version of ${basename(twin)}; a version number is used once`);
  const fileDate = file.name.fileDate ?? '';
  const key = file.name.batchId ?? fileDate;
  const inbound = directionOf(spec) === 'inbound';
  const facts = file.superseded ? undefined : startFile(context.state, { file: file.path, columns, fileDate, key, checked: !inbound, findings });
  const recorded = (await sentFor(context.state, fileDate)).find((f) => f.name === basename(file.path));
  const { memory } = context.state;
  const lines: [number, string, string][] | undefined = memory.lines ? [] : undefined;
  const spill = () => (lines && lines.length >= LINE_BATCH ? memory.lines!.remember(file.path, lines.splice(0)) : undefined);
  const checker = createRowChecker(columns, {
    programCurrency: context.programCurrency,
    judge: context.judge,
    program: context.program,
    depositProgram: context.depositProgram,
    balanceType: (id) => balanceTypeOf(context.state, id),
    // One write at a time: the memory's connection takes one statement at a time.
    flush: () => {
      const rows = facts ? flushRows(context.state, facts) : undefined;
      return rows ? rows.then(spill) : spill();
    },
  }, facts, findings, lines);

  return {
    path: file.path, columns, findings, judge: context.judge, checker, ...(facts ? { facts } : {}),
    async end(read) {
      report.rows = checker.rows;
      if (lines) {
        await memory.lines!.remember(file.path, lines.splice(0));
        for (const repeat of await memory.lines!.repeats(file.path)) repeatFinding(columns, findings, repeat);
      }
      const readable = read.readable && checker.readable;
      const history = recorded !== undefined && recorded.sha256 === read.sha256;
      if (facts && history) facts.checked = false;
      const result: FileResult = { report, findings, ...(facts ? { facts } : {}), ...(history ? { history } : {}) };
      try {
        await settle(file, context, result, { inbound, history, readable });
      } finally {
        done(result);
      }
    },
  };
}

/** Stages 1-3 of a file that has been read, and what it teaches the set. */
async function settle(file: NamedFile, context: Context, result: FileResult, read: { inbound: boolean; history: boolean; readable: boolean }): Promise<void> {
  const { report, findings, facts } = result;
  if (read.inbound) {
    // Lead writes it: nothing to reject, but its ids are what the partner's answers refer to.
    report.notes.push('written by Lead: read for the ids other files refer to, not validated');
    findings.retain(() => false);
    if (facts) await endFile(context.state, facts, { passed: false, readable: read.readable });
    return;
  }
  const errorsIn = (stage: string) => findings.items.some((f) => f.severity === 'error' && f.rule.startsWith(stage));
  const integrityFailed = errorsIn('integrity.');
  report.stages[1] = integrityFailed ? 'failed' : 'passed';
  if (integrityFailed) {
    // As at Lead, a file failing integrity is judged on that alone.
    findings.retain((rule) => rule.startsWith('integrity.'));
    report.notes.push('failed file integrity: as at Lead, field formats, record rules and cross-file rules did not run');
  } else {
    report.stages[2] = errorsIn('format.') ? 'failed' : 'passed';
    report.stages[3] = errorsIn('record.') ? 'failed' : 'passed';
    if (report.stages[2] === 'failed' || report.stages[3] === 'failed') report.notes.push('failed a record rule or a field format: as at Lead, cross-file rules did not run');
  }
  const passed = report.stages[1] === 'passed' && report.stages[2] === 'passed' && report.stages[3] === 'passed';
  if (file.superseded) {
    report.notes.push(`superseded by ${file.superseded}: cross-file rules use the latest version only`);
  } else if (facts) {
    if (passed && !read.history) report.stages[4] = 'passed';
    await endFile(context.state, facts, { passed: passed && !read.history, readable: read.readable });
  }
}

/** What the name alone says: a version from 1, written as the program writes it, with the program's token. */
function nameFindings(file: NamedFile, context: Context, findings: FindingList): void {
  const { name } = file;
  if (name.versionNumber < 1) findings.add(0, '', INTEGRITY.fileVersion.code, `version ${name.version}: versions start at 1 (V1), and a resubmission carries a higher one`);
  const format = context.versionFormats.get(name.spec.id) ?? 'V{n}';
  const pattern = new RegExp(`^${format.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{n(?::(\d))?\}/, (_, width: string | undefined) => (width ? `\\d{${width}}` : '[1-9]\\d*|0'))}$`);
  if (!pattern.test(name.version)) {
    findings.add(0, '', INTEGRITY.versionFormat.code, `the version is written ${name.version}; the program writes ${format.replace('{n}', '1').replace(/\{n:(\d)\}/, (_, w: string) => '1'.padStart(Number(w), '0'))}, and Lead's examples disagree on the form`);
  }
  if (name.tokenAlias) {
    findings.add(0, '', INTEGRITY.tokenAlias.code, `the file type is named ${name.tokenAlias}, which Lead's pages also use for ${name.spec.title}; the program's token is ${name.spec.token}, and Lead has not confirmed which it takes`);
  }
}

const LINE_BATCH = 5_000;

function balanceTypeOf(state: SetState, id: string): 'deposit' | 'credit' | undefined {
  const type = id === '' ? undefined : state.memory.peekFact('balances', id)?.values.type;
  return type === 'deposit' || type === 'credit' ? type : undefined;
}
