import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { parse, type CsvError } from 'csv-parse';
import type { Profile } from '../../config/profile-schema.js';
import { LeadEtlError } from '../../core/errors.js';
import { directionOf, type FileTypeSpec } from '../file-type-spec.js';
import { FILE_TYPES, fileTypeById, fileTypeOrder } from '../file-types/registry.js';
import { isKnownCurrency } from '../money.js';
import type { ProgramFileType } from '../program-file-types.js';
import { programSettingsOf, type ProgramSettings } from '../program-settings.js';
import { byteChecks } from './byte-checks.js';
import { fileColumnsOf, type FileColumns } from './file-columns.js';
import { parseFileName, type ParsedFileName } from './file-name.js';
import { compareFindings, type FileReport, type Finding, type StageOutcome, type ValidationReport } from './finding.js';
import { createJudge, FindingList, type Judge } from './judge.js';
import { listSetFiles } from './list-set-files.js';
import { FORMAT, INTEGRITY, ruleByCode } from './rule-catalog.js';
import type { ProgramFacts, RecordContext, RowView, ValidationStage } from './rule-types.js';
import { memorySetMemory } from './set-memory.js';
import { checkHeader, lineIntegrity, recordKeyOf } from './stage-1-integrity.js';
import { checkValue, isNullLiteral } from './stage-2-format.js';
import { checkRecord } from './stage-3-record.js';
import { collectRow, createSetState, endDate, endFile, sentFor, startFile, type FileFacts, type SetEntry, type SetState } from './stage-4-cross.js';
import { emptyHistory, type ValidationHistory } from './validation-history.js';

/**
 * Pre-flight validation: says what Lead would reject in a set of files before Lead does, every reason at
 * once (Lead rejects a whole file for one row and says so hours later), and where a file takes a reading
 * of Lead's docs Lead has not confirmed (a warning, which never stops anything). Files stream through
 * csv-parse one at a time, in date order and Lead's object order; only compact facts pass from one to the
 * next, through the set's memory (set-memory.ts).
 *
 * `lead-etl validate` calls it on files and folders; the run pipeline on the files it built, with its
 * state store as `history`; Lead's sandbox on what it received.
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
}

export async function validateFiles(paths: readonly string[], options: ValidationOptions = {}): Promise<ValidationReport> {
  const programCurrency = options.programCurrency ?? 'USD';
  if (!isKnownCurrency(programCurrency)) throw new LeadEtlError('USAGE', `program currency "${programCurrency}" is not an upper-case ISO 4217 code`);
  const program = options.program;
  const specs: readonly FileTypeSpec[] = program?.files.map((f) => f.spec) ?? FILE_TYPES;
  const settings = program?.settings ?? (program?.profile ? programSettingsOf(program.profile) : undefined);
  const judge = createJudge(settings?.rules);
  const history = options.history ?? emptyHistory;

  const files: SetFile[] = (await listSetFiles(paths)).map((path) => ({ path, name: parseFileName(basename(path), specs) }));
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
  const state = createSetState({ history, fromDay0, program: programFacts, ...(program ? { programTypes: specs } : {}) }, memorySetMemory(), entries);
  const context: Context = {
    programCurrency, state, judge, program: programFacts,
    renames: new Map((program?.files ?? []).map((f) => [f.spec.id, f.renames ?? {}])),
    versionFormats: new Map((program?.files ?? []).map((f) => [f.spec.id, f.versionFormat])),
    depositProgram: settings?.kind === 'deposit',
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
  const finishDate = async () => {
    if (date === undefined) return;
    const outcome = await endDate(state, date);
    for (const n of outcome.notes) results.get(n.file)?.report.notes.push(n.note);
  };
  for (const file of named) {
    const fileDate = file.name.fileDate ?? '';
    if (date !== fileDate) {
      await finishDate();
      date = fileDate;
    }
    results.set(file.path, await validateFile(file, context, twins.get(file.path)));
  }
  await finishDate();

  const ordered = [...files.filter((f) => !f.name.ok), ...named].map((f) => results.get(f.path)!);
  const findings: Finding[] = [];
  const reports: FileReport[] = [];
  for (const result of ordered) {
    const { report } = result;
    if (result.history) {
      report.notes.push('recorded in the state store as sent (same name and content): history, not a new submission, so not checked');
    } else {
      const own = result.findings.items;
      if (report.stages[4] === 'passed' && own.some((f) => f.severity === 'error' && f.rule.startsWith('cross.'))) report.stages[4] = 'failed';
      findings.push(...own.sort(compareFindings));
    }
    reports.push(report);
  }
  const checked = ordered.filter((r) => r.report.stages[1] !== 'not run' && !r.history);
  const errors = findings.filter((f) => f.severity === 'error');
  return {
    findings,
    files: reports,
    summary: {
      files: checked.length,
      errors: errors.length,
      warnings: findings.length - errors.length,
      filesWithErrors: new Set(errors.map((f) => f.file)).size,
    },
    limits: limitsOf(state, { fromDay0, day0: options.day0, earliest, historyCovers: history.covers.size > 0 }),
  };
}

function limitsOf(state: SetState, set: { fromDay0: boolean; day0: string | undefined; earliest: string | undefined; historyCovers: boolean }): string[] {
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

async function validateFile(file: NamedFile, context: Context, twin: string | undefined): Promise<FileResult> {
  const { spec } = file.name;
  const columns = fileColumnsOf(spec, context.renames.get(spec.id));
  const findings = new FindingList(context.judge, file.path);
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

  const read = await readFile(file.path, columns, context, facts, findings);
  report.rows = read.rows;
  const history = recorded !== undefined && recorded.sha256 === read.sha256;
  if (facts && history) facts.checked = false;
  const result: FileResult = { report, findings, ...(facts ? { facts } : {}), ...(history ? { history } : {}) };

  if (inbound) {
    // Lead writes it: nothing to reject, but its ids are what the partner's answers refer to.
    report.notes.push('written by Lead: read for the ids other files refer to, not validated');
    findings.items.length = 0;
    if (facts) await endFile(context.state, facts, { passed: false, readable: read.readable });
    return result;
  }
  const errorsIn = (stage: string) => findings.items.some((f) => f.severity === 'error' && f.rule.startsWith(stage));
  const integrityFailed = errorsIn('integrity.');
  report.stages[1] = integrityFailed ? 'failed' : 'passed';
  if (integrityFailed) {
    // As at Lead, a file failing integrity is judged on that alone.
    findings.items.splice(0, findings.items.length, ...findings.items.filter((f) => f.rule.startsWith('integrity.')));
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
    if (passed && !history) report.stages[4] = 'passed';
    await endFile(context.state, facts, { passed: passed && !history, readable: read.readable });
  }
  return result;
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

interface ReadOutcome {
  readonly rows: number;
  /** Every line was read into fields of the header's count. */
  readonly readable: boolean;
  readonly sha256: string;
}

async function readFile(path: string, columns: FileColumns, context: Context, facts: FileFacts | undefined, findings: FindingList): Promise<ReadOutcome> {
  const spec = columns.spec;
  const outcome = { rows: 0, readable: true };
  const bytes = byteChecks();
  // CR LF and LF both end a record, so a line with the other ending is named for what it is, not read
  // into its last value.
  const parser = parse({ delimiter: '|', relax_column_count: true, raw: true, bom: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n'] });
  const input = createReadStream(path);
  input.on('error', (error) => parser.destroy(error));
  input.pipe(bytes.stream).pipe(parser);

  const records = spec.validation?.records ?? [];
  const dropped = droppedOf(columns);
  const recordContext: RecordContext = {
    balanceType: (id) => balanceTypeOf(context.state, id),
    program: context.program,
  };
  let header: ReturnType<typeof checkHeader> | undefined;
  let headerCells: readonly string[] = [];
  let lines: ReturnType<typeof lineIntegrity> | undefined;
  let nextLine = 1;
  let ending: 'lf' | 'crlf' | undefined;
  let endingReported = false;
  let stopped = false;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const line = nextLine;
      // `raw` ends with the line break, or its CR for a CR LF one; count the breaks inside quoted values.
      nextLine += 1 + (raw.replace(/\r?\n?$/, '').match(/\n/g)?.length ?? 0);
      const thisEnding = raw.endsWith('\r') ? 'crlf' : raw.endsWith('\n') ? 'lf' : undefined;
      if (thisEnding) {
        if (!ending) {
          ending = thisEnding;
        } else if (thisEnding !== ending && !endingReported) {
          endingReported = true;
          const last = header ? headerCells[record.length - 1] ?? '' : '';
          findings.add(line, columns.column(last) ? last : '', INTEGRITY.lineEndings.code, thisEnding === 'crlf'
            ? `line ${line} ends with CR LF where the file's lines end with LF: a stray carriage return, which Lead would read into its last value`
            : `line ${line} ends with LF where the file's lines end with CR LF; end every line the same way`);
        }
      }
      if (!header) {
        header = checkHeader(record, columns, findings);
        headerCells = record;
        if (header.fatal) {
          outcome.readable = false;
          break;
        }
        lines = lineIntegrity(columns, record.length, findings);
        continue;
      }
      outcome.rows += 1;
      const positions = header.positions;
      const overrides = new Map<string, string>();
      const cell = (name: string) => {
        const at = positions.get(name);
        return overrides.get(name) ?? (at === undefined ? '' : record[at] ?? '');
      };
      const integrity = lines!.check(line, record, recordKeyOf(columns, cell));
      if (!integrity.readable) {
        outcome.readable = false;
        continue;
      }

      const failed = new Set<string>();
      const valueContext = formatContext(cell, columns, context);
      for (const column of spec.columns) {
        if (!positions.has(column.name)) continue;
        const value = cell(column.name);
        if (value.includes('\r')) {
          // A carriage return inside a value: named once, as what it is, and the value is not judged.
          failed.add(column.name);
          if (!endingReported) {
            endingReported = true;
            findings.add(line, column.name, INTEGRITY.lineEndings.code, `${column.name} holds a carriage return (a stray CR in the line); remove it`);
          }
          continue;
        }
        if (value.includes('|') || value.includes('\n')) {
          findings.add(line, column.name, FORMAT.delimiterInValue.code, `${column.name} holds ${value.includes('|') ? 'a "|"' : 'a line break'}, quoted; Lead has not said how it reads quoted values, so keep them out of values if you can`);
        }
        if (!column.required && isNullLiteral(value)) {
          findings.add(line, column.name, FORMAT.nullLiteral.code, `${column.name} is the word ${value}; it is read as empty, as Lead's Non-posted page seems to mean, but leave it empty`);
          overrides.set(column.name, '');
          continue;
        }
        for (const problem of checkValue(column, value, valueContext)) {
          findings.add(line, column.name, problem.rule, `${column.name} ${problem.message}`);
          if (context.judge.severity(problem.rule) === 'error') failed.add(column.name);
        }
      }
      const view: RowView = { get: (lead) => cell(columns.fileName(lead) ?? '') };
      const unreadable = (lead: string) => {
        const name = columns.fileName(lead);
        return dropped.has(lead) || (name !== undefined && (failed.has(name) || !positions.has(name)));
      };
      checkRecord(records, view, recordContext, line, columns, unreadable, findings);
      if (facts) collectRow(facts, line, cell, (name) => failed.has(name) || !positions.has(name));
    }
    if (ending === 'crlf' && !endingReported) findings.add(1, '', INTEGRITY.crlf.code, 'every line ends with CR LF; lead-etl writes LF, and Lead has not said which it takes');
  } catch (error) {
    outcome.readable = false;
    stopped = true;
    const csv = error as CsvError;
    if (!csv.code) throw error;
    // A comma file's quoted fields can stop the parser before it hands over the header: say what is wrong.
    const first = bytes.facts.firstLine;
    if (!header && !first.includes('|') && /[,;]/.test(first)) {
      checkHeader([first.replace(/^\uFEFF/, '').replace(/\r$/, '')], columns, findings);
    } else {
      // A quote left open is noticed further on (at the next quote, or the end of the file): name the line
      // where the quoted field opened.
      const noticed = typeof csv.lines === 'number' ? csv.lines : nextLine;
      const at = csv.code === 'CSV_QUOTE_NOT_CLOSED' || csv.code === 'CSV_INVALID_CLOSING_QUOTE' ? await quoteOpenedLine(path, noticed) : noticed;
      findings.add(at, '', INTEGRITY.csvSyntax.code, csvProblem(csv.code));
    }
  } finally {
    input.destroy();
  }
  // A file that cannot be read whole still makes known the ids it holds, so other files do not fail for it.
  if ((stopped || header?.fatal) && facts) await recoverIds(path, facts, header?.fatal === false ? header.positions : undefined, header && !header.fatal ? nextLine : 2);

  // The byte checks see the whole file only once it has been read.
  const fileLevel = new FindingList(context.judge, path);
  if (bytes.facts.bom) fileLevel.add(1, '', INTEGRITY.bom.code, 'the file starts with a UTF-8 byte-order mark (EF BB BF), which an ordinary CSV parser reads into the first header name; save it as UTF-8 without BOM');
  if (bytes.facts.invalidUtf8Line !== undefined) {
    fileLevel.add(bytes.facts.invalidUtf8Line, '', INTEGRITY.encoding.code, 'holds bytes that are not UTF-8 (a file saved as Latin-1 or Windows-1252?); save it as UTF-8');
  }
  if (!header && findings.items.length === 0) {
    fileLevel.add(1, '', INTEGRITY.headerMissing.code, `the file is empty; even a day without records has the ${spec.title} header line`);
  }
  findings.items.unshift(...fileLevel.items);
  return { ...outcome, sha256: bytes.facts.sha256 };
}

/** One per row: what a value's format may depend on beyond the value (its row's currency, its balance's type). */
function formatContext(cell: (name: string) => string, columns: FileColumns, context: Context) {
  return {
    rowCurrency: cell,
    programCurrency: context.programCurrency,
    balanceType: () => balanceTypeOf(context.state, cell(columns.fileName('balance_id') ?? '')),
    depositProgram: context.depositProgram,
  };
}

/** Lead's names of the spec's columns the program's file does not have (its profile dropped them). */
function droppedOf(columns: FileColumns): ReadonlySet<string> {
  return new Set(fileTypeById(columns.spec.id).columns.map((c) => c.name).filter((lead) => columns.fileName(lead) === undefined));
}

function balanceTypeOf(state: SetState, id: string): 'deposit' | 'credit' | undefined {
  const type = id === '' ? undefined : state.memory.peekFact('balances', id)?.values.type;
  return type === 'deposit' || type === 'credit' ? type : undefined;
}

/**
 * The ids of a file the CSV parser gave up on (an unclosed quote swallows the rest of the file): its
 * lines are split on the delimiter, quotes ignored, and the id columns taken, so records that other
 * files name are still known. Nothing else is read from such a file.
 */
async function recoverIds(path: string, facts: FileFacts, positions: ReadonlyMap<string, number> | undefined, fromLine: number): Promise<void> {
  const produced = facts.spec.produces?.columns ?? [];
  if (produced.length === 0) return;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let at: number[] | undefined = positions ? produced.map((lead) => positions.get(facts.columns.fileName(lead) ?? '') ?? -1) : undefined;
  let delimiter = '|';
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (line === 1 && !at) {
      const head = text.replace(/^\uFEFF/, '');
      delimiter = head.includes('|') ? '|' : head.includes(';') && !head.includes(',') ? ';' : ',';
      const cells = head.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
      at = produced.map((lead) => cells.indexOf(facts.columns.fileName(lead) ?? lead));
      continue;
    }
    if (line < fromLine) continue;
    const cells = text.split(delimiter);
    for (const i of at ?? []) {
      const id = i >= 0 ? (cells[i] ?? '').trim().replace(/^"|"$/g, '') : '';
      if (id !== '' && !facts.produced.has(id)) facts.produced.set(id, line);
    }
  }
}

/** The line where the last quoted field opened at or before `upTo` opened (RFC 4180: "" inside one is a quote). */
async function quoteOpenedLine(path: string, upTo: number): Promise<number> {
  let line = 1;
  let quoted = false;
  let openedAt = upTo;
  let fieldStart = true;
  let pendingQuote = false;
  for await (const chunk of createReadStream(path, 'utf8') as AsyncIterable<string>) {
    for (const ch of chunk) {
      if (quoted) {
        if (pendingQuote) {
          pendingQuote = false;
          if (ch === '"') continue;
          quoted = false;
        } else if (ch === '"') {
          pendingQuote = true;
          continue;
        }
      }
      if (!quoted) {
        if (ch === '"' && fieldStart) {
          if (line > upTo) return openedAt;
          quoted = true;
          openedAt = line;
          fieldStart = false;
          continue;
        }
        fieldStart = ch === '|' || ch === '\n';
      }
      if (ch === '\n') line += 1;
    }
  }
  return openedAt;
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

