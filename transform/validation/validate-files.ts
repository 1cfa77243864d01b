import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parse, type CsvError } from 'csv-parse';
import type { Profile } from '../../config/profile-schema.js';
import { LeadEtlError } from '../../core/errors.js';
import { directionOf, namingOf, type FileTypeSpec } from '../file-type-spec.js';
import { FILE_TYPES } from '../file-types/registry.js';
import { isKnownCurrency } from '../money.js';
import type { ProgramFileType } from '../program-file-types.js';
import { byteChecks } from './byte-checks.js';
import { fileColumnsOf, type FileColumns, type RowView } from './file-columns.js';
import { parseFileName, type ParsedFileName } from './file-name.js';
import { finding, type FileReport, type Finding, type StageOutcome, type ValidationReport } from './finding.js';
import { listSetFiles } from './list-set-files.js';
import type { ValidationStage } from './rule-catalog.js';
import { checkHeader, lineIntegrity, recordKeyOf } from './stage-1-integrity.js';
import { checkLength, checkValue, MONEY_PRECISION, NOT_QUOTED, type Precision } from './stage-2-format.js';
import { recordRulesFor, type RecordContext } from './stage-3-record.js';
import { collectRow, createSetState, endDate, endFile, startFile, type FileFacts, type SetState } from './stage-4-cross.js';
import { emptyHistory, type ValidationHistory } from './validation-history.js';

/**
 * Pre-flight validation: says what Lead would reject in a set of files before Lead does, every reason at
 * once (Lead rejects a whole file for one row and says so hours later). Files stream through csv-parse
 * one at a time, in date order and Lead's object order; only compact facts pass from one to the next.
 *
 * `lead-etl validate` calls it on files and folders; the run pipeline can call it on the files it built,
 * with its state store as `history`.
 */
export interface ValidationOptions {
  /**
   * The program's file types with its profile applied (tokens, renamed and added columns, enum values)
   * and the profile itself, as `loadProfile` or the config gives them. Without it every file type Lead
   * has is known by its default token.
   */
  readonly program?: { readonly files: readonly ProgramFileType[]; readonly profile?: Profile };
  /** The currency of amounts in files with no currency column (Balances). Default USD. */
  readonly programCurrency?: string;
  /** What was sent before the set; files-only by default. */
  readonly history?: ValidationHistory;
  /** The set holds every file since the program's Day 0, so an id it never saw was never sent. */
  readonly fromDay0?: boolean;
}

interface SetFile {
  readonly path: string;
  readonly name: ParsedFileName;
  superseded?: string;
}

/** A file's report while the set is read: stage 4 and notes are settled only when its date ends. */
interface FileResult {
  readonly report: FileReport & { notes: string[]; stages: Record<ValidationStage, StageOutcome>; rows: number };
  readonly findings: Finding[];
}

export async function validateFiles(paths: readonly string[], options: ValidationOptions = {}): Promise<ValidationReport> {
  const programCurrency = options.programCurrency ?? 'USD';
  if (!isKnownCurrency(programCurrency)) throw new LeadEtlError('USAGE', `program currency "${programCurrency}" is not an upper-case ISO 4217 code`);
  const specs: readonly FileTypeSpec[] = options.program?.files.map((f) => f.spec) ?? FILE_TYPES;
  const profile = options.program?.profile;
  const order = (spec: FileTypeSpec) => FILE_TYPES.findIndex((s) => s.id === spec.id);

  const files: SetFile[] = (await listSetFiles(paths)).map((path) => ({ path, name: parseFileName(basename(path), specs) }));
  const results = new Map<string, FileResult>();
  for (const file of files) {
    if (!file.name.ok) results.set(file.path, unreadable(file.path, file.name.rule, file.name.message));
  }

  // A resubmission (V2) replaces the file it corrects: only the latest version of each file counts as sent.
  const named = files.filter((f): f is SetFile & { name: Extract<ParsedFileName, { ok: true }> } => f.name.ok);
  const latest = new Map<string, SetFile & { name: Extract<ParsedFileName, { ok: true }> }>();
  for (const file of named) {
    const key = `${file.name.spec.id}|${file.name.batchId ?? file.name.fileDate}`;
    const other = latest.get(key);
    if (!other || other.name.versionNumber < file.name.versionNumber) latest.set(key, file);
  }
  for (const file of named) {
    const key = `${file.name.spec.id}|${file.name.batchId ?? file.name.fileDate}`;
    if (latest.get(key) !== file) file.superseded = basename(latest.get(key)!.path);
  }
  named.sort((a, b) => (a.name.fileDate ?? '').localeCompare(b.name.fileDate ?? '') || order(a.name.spec) - order(b.name.spec) || a.name.versionNumber - b.name.versionNumber || a.path.localeCompare(b.path));

  const state = createSetState(
    { history: options.history ?? emptyHistory, fromDay0: options.fromDay0 ?? false },
    named.filter((f) => !f.superseded).map((f) => ({ fileType: f.name.spec.id, fileDate: f.name.fileDate ?? '' })),
  );
  const context = { programCurrency, profile, state };
  let date: string | undefined;
  const finishDate = async () => {
    if (date === undefined) return;
    const outcome = await endDate(state, date);
    for (const f of outcome.findings) results.get(f.file)!.findings.push(f);
    for (const n of outcome.notes) results.get(n.file)!.report.notes.push(n.note);
  };
  for (const file of named) {
    const fileDate = file.name.fileDate ?? '';
    if (date !== fileDate) {
      await finishDate();
      date = fileDate;
    }
    results.set(file.path, await validateFile(file, context));
  }
  await finishDate();

  const ordered = [...files.filter((f) => !f.name.ok), ...named].map((f) => results.get(f.path)!);
  const findings: Finding[] = [];
  const reports: FileReport[] = [];
  for (const { report, findings: own } of ordered) {
    if (report.stages[4] === 'passed' && own.some((f) => f.rule.startsWith('cross.'))) report.stages[4] = 'failed';
    findings.push(...own.sort((a, b) => a.line - b.line));
    reports.push(report);
  }
  const checked = reports.filter((r) => r.stages[1] !== 'not run');
  return {
    findings,
    files: reports,
    summary: { files: checked.length, errors: findings.length, filesWithErrors: new Set(findings.map((f) => f.file)).size },
  };
}

function unreadable(path: string, rule: 'integrity.file_name' | 'integrity.file_date', message: string): FileResult {
  return {
    report: { file: path, rows: 0, stages: { 1: 'failed', 2: 'not run', 3: 'not run', 4: 'not run' }, notes: ['the name does not say which file this is, so nothing in it was read'] },
    findings: [finding(path, 0, '', rule, message)],
  };
}

interface Context {
  readonly programCurrency: string;
  readonly profile: Profile | undefined;
  readonly state: SetState;
}

async function validateFile(file: SetFile & { name: Extract<ParsedFileName, { ok: true }> }, context: Context): Promise<FileResult> {
  const { spec } = file.name;
  const columns = fileColumnsOf(spec, context.profile);
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
  const fileDate = file.name.fileDate ?? '';
  const facts = file.superseded ? undefined : startFile(context.state, file.path, columns, fileDate, namingOf(spec) === 'date');

  if (directionOf(spec) === 'inbound') {
    // Lead writes it: nothing to reject, but its ids are what the partner's answers refer to.
    report.notes.push('written by Lead: read for the ids other files refer to, not validated');
    if (facts) {
      const read = await readFile(file.path, columns, context, facts, false);
      report.rows = read.rows;
      await endFile(context.state, facts, { passed: false, readable: read.readable });
    }
    return { report, findings: [] };
  }

  const read = await readFile(file.path, columns, context, facts, true);
  report.rows = read.rows;
  const integrityFailed = read.integrity.length > 0;
  report.stages[1] = integrityFailed ? 'failed' : 'passed';
  const findings = [...read.integrity];
  if (integrityFailed) {
    report.notes.push('failed file integrity: as at Lead, field formats, record rules and cross-file rules did not run');
  } else {
    report.stages[2] = read.format.length ? 'failed' : 'passed';
    report.stages[3] = read.record.length ? 'failed' : 'passed';
    findings.push(...read.format, ...read.record);
    if (read.format.length || read.record.length) report.notes.push('failed a record rule or a field format: as at Lead, cross-file rules did not run');
  }
  const passed = !integrityFailed && read.format.length === 0 && read.record.length === 0;
  if (file.superseded) {
    report.notes.push(`superseded by ${file.superseded}: cross-file rules use the latest version only`);
  } else if (facts) {
    if (passed) report.stages[4] = 'passed';
    findings.push(...await endFile(context.state, facts, { passed, readable: read.readable }));
  }
  return { report, findings };
}

interface ReadOutcome {
  readonly rows: number;
  readonly integrity: Finding[];
  readonly format: Finding[];
  readonly record: Finding[];
  /** Every line was read into fields of the header's count. */
  readonly readable: boolean;
}

async function readFile(path: string, columns: FileColumns, context: Context, facts: FileFacts | undefined, check: boolean): Promise<ReadOutcome> {
  const spec = columns.spec;
  const outcome = { rows: 0, integrity: [] as Finding[], format: [] as Finding[], record: [] as Finding[], readable: true };
  const bytes = byteChecks();
  const parser = parse({ delimiter: '|', relax_column_count: true, raw: true, bom: true, skip_empty_lines: false });
  const input = createReadStream(path);
  input.on('error', (error) => parser.destroy(error));
  input.pipe(bytes.stream).pipe(parser);

  const rules = recordRulesFor(spec.id);
  const precision = MONEY_PRECISION[spec.id] ?? {};
  const recordContext: RecordContext = { balanceType: (id) => context.state.balanceTypes.get(id) };
  let header: ReturnType<typeof checkHeader> | undefined;
  let lines: ReturnType<typeof lineIntegrity> | undefined;
  let nextLine = 1;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const line = nextLine;
      // `raw` may or may not end with the line break (csv-parse keeps part of it); count the ones inside.
      nextLine += 1 + (raw.replace(/\r?\n?$/, '').match(/\n/g)?.length ?? 0);
      if (!header) {
        header = checkHeader(path, record, columns);
        outcome.integrity.push(...header.findings);
        if (header.fatal) {
          outcome.readable = false;
          break;
        }
        lines = lineIntegrity(path, columns, record.length);
        continue;
      }
      outcome.rows += 1;
      const positions = header.positions;
      const cell = (name: string) => {
        const at = positions.get(name);
        return at === undefined ? '' : record[at] ?? '';
      };
      const integrity = lines!.check(line, record, recordKeyOf(columns, cell));
      if (check) outcome.integrity.push(...integrity.findings);
      if (!integrity.readable) {
        outcome.readable = false;
        continue;
      }

      const failed = new Set<string>();
      if (check) {
        for (const column of spec.columns) {
          if (!positions.has(column.name)) continue;
          const lead = columns.leadName(column.name);
          const value = cell(column.name);
          const rowPrecision = precisionOf(precision[lead], () => context.state.balanceTypes.get(cell(columns.fileName('balance_id') ?? '')), context.profile);
          const problem = checkValue(column, value, {
            rowCurrency: cell,
            programCurrency: context.programCurrency,
            precision: rowPrecision,
            quotable: !NOT_QUOTED.includes(lead) && !['string', 'array', 'documents'].includes(column.type.kind),
          }) ?? (value === '' ? undefined : checkLength(spec.id, lead, value));
          if (problem) {
            failed.add(column.name);
            outcome.format.push(finding(path, line, column.name, problem.rule, `${column.name} ${problem.message}`));
          }
        }
        const view: RowView = { get: (lead) => cell(columns.fileName(lead) ?? '') };
        for (const rule of rules) {
          const readable = rule.reads.every((lead) => {
            const name = columns.fileName(lead);
            return name !== undefined && positions.has(name) && !failed.has(name);
          });
          if (!readable) continue;
          for (const breach of rule.check(view, recordContext)) {
            const name = columns.fileName(breach.column) ?? breach.column;
            outcome.record.push(finding(path, line, name, rule.code, breach.message));
          }
        }
      }
      if (facts) collectRow(facts, line, cell, (name) => failed.has(name));
    }
  } catch (error) {
    outcome.readable = false;
    const csv = error as CsvError;
    if (!csv.code) throw error;
    // A comma file's quoted fields can stop the parser before it hands over the header: say what is wrong.
    const first = bytes.facts.firstLine;
    if (!header && !first.includes('|') && /[,;]/.test(first)) {
      outcome.integrity.push(...checkHeader(path, [first.replace(/^\uFEFF/, '').replace(/\r$/, '')], columns).findings);
    } else {
      outcome.integrity.push(finding(path, typeof csv.lines === 'number' ? csv.lines : nextLine, '', 'integrity.csv_syntax', csvProblem(csv.code)));
    }
  } finally {
    input.destroy();
  }

  // The byte checks see the whole file only once it has been read.
  const fileLevel: Finding[] = [];
  if (bytes.facts.bom) fileLevel.push(finding(path, 1, '', 'integrity.bom', 'the file starts with a UTF-8 byte-order mark (EF BB BF); save it as UTF-8 without BOM'));
  if (bytes.facts.invalidUtf8Line !== undefined) {
    fileLevel.push(finding(path, bytes.facts.invalidUtf8Line, '', 'integrity.encoding', 'holds bytes that are not UTF-8 (a file saved as Latin-1 or Windows-1252?); save it as UTF-8'));
  }
  if (!header && outcome.integrity.length === 0) {
    fileLevel.push(finding(path, 1, '', 'integrity.header_missing', `the file is empty; even a day without records has the ${spec.title} header line`));
  }
  outcome.integrity.unshift(...fileLevel);
  return outcome;
}

function precisionOf(rule: 'at-least' | 'at-least-if-deposit' | undefined, balanceType: () => string | undefined, profile: Profile | undefined): Precision {
  if (rule === 'at-least') return 'at-least';
  if (rule !== 'at-least-if-deposit') return 'exact';
  const type = balanceType();
  return type === 'deposit' || (type === undefined && profile?.kind === 'deposit') ? 'at-least' : 'exact';
}

/** csv-parse's own messages quote the field; these do not, since a field may be personal data. */
function csvProblem(code: string): string {
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed; close the quote, or double a quote inside a quoted field ("")';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote inside an unquoted field; quote the whole field and double the quote inside it';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'characters follow a closing quote; a quoted field ends at its closing quote';
    default:
      return `the line cannot be read as pipe-delimited CSV (${code})`;
  }
}
