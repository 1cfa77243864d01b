import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse, type CsvError } from 'csv-parse';
import { byteChecks } from './byte-checks.js';
import { FindingList } from './judge.js';
import type { ValidationReport } from './finding.js';
import { listSetFiles } from './list-set-files.js';
import { INTEGRITY } from './rule-catalog.js';
import { createSetValidation, type FileCheck, type ValidationOptions } from './set-validation.js';
import { checkHeader } from './stage-1-integrity.js';
import type { FileFacts } from './stage-4-cross.js';

export type { ValidationOptions } from './set-validation.js';

/**
 * Pre-flight validation of files on disk (`lead-etl validate` on files and folders, Lead's sandbox on
 * what it received): each file streams through csv-parse once, in the set's order, with the checks only
 * a reader can make (the bytes, the CSV syntax, line endings), and its rows go to the set's row checks
 * (set-validation.ts, check-rows.ts), which the run pipeline feeds with the rows it writes instead.
 */
export async function validateFiles(paths: readonly string[], options: ValidationOptions = {}): Promise<ValidationReport> {
  const validation = createSetValidation(await listSetFiles(paths), options);
  for (const path of validation.order) {
    const check = await validation.startFile(path);
    await check.end(await readFile(check));
  }
  return validation.report();
}

interface ReadOutcome {
  /** Every line was read into fields of the header's count. */
  readonly readable: boolean;
  readonly sha256: string;
}

async function readFile(check: FileCheck): Promise<ReadOutcome> {
  const { path, columns, facts, findings, checker } = check;
  const spec = columns.spec;
  const outcome = { readable: true };
  const bytes = byteChecks();
  // CR LF and LF both end a record, so a line with the other ending is named for what it is, not read
  // into its last value.
  const parser = parse({ delimiter: '|', relax_column_count: true, raw: true, bom: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n'] });
  const input = createReadStream(path);
  input.on('error', (error) => parser.destroy(error));
  input.pipe(bytes.stream).pipe(parser);

  let header: ReturnType<typeof checkHeader> | undefined;
  let headerCells: readonly string[] = [];
  let nextLine = 1;
  let ending: 'lf' | 'crlf' | undefined;
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
        } else if (thisEnding !== ending && !checker.lineEndingReported) {
          checker.lineEndingReported = true;
          const last = header ? headerCells[record.length - 1] ?? '' : '';
          findings.add(line, columns.column(last) ? last : '', INTEGRITY.lineEndings.code, thisEnding === 'crlf'
            ? `line ${line} ends with CR LF where the file's lines end with LF: a stray carriage return, which Lead would read into its last value`
            : `line ${line} ends with LF where the file's lines end with CR LF; end every line the same way`);
        }
      }
      if (!header) {
        header = checker.header(record);
        headerCells = record;
        if (header.fatal) break;
        continue;
      }
      const flushing = checker.row(line, record);
      if (flushing) await flushing;
    }
    if (ending === 'crlf' && !checker.lineEndingReported) findings.add(1, '', INTEGRITY.crlf.code, 'every line ends with CR LF; lead-etl writes LF, and Lead has not said which it takes');
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
  const fileLevel = new FindingList(check.judge, path);
  if (bytes.facts.bom) fileLevel.add(1, '', INTEGRITY.bom.code, 'the file starts with a UTF-8 byte-order mark (EF BB BF), which an ordinary CSV parser reads into the first header name; save it as UTF-8 without BOM');
  if (bytes.facts.invalidUtf8Line !== undefined) {
    fileLevel.add(bytes.facts.invalidUtf8Line, '', INTEGRITY.encoding.code, 'holds bytes that are not UTF-8 (a file saved as Latin-1 or Windows-1252?); save it as UTF-8');
  }
  if (!header && findings.items.length === 0) {
    fileLevel.add(1, '', INTEGRITY.headerMissing.code, `the file is empty; even a day without records has the ${spec.title} header line`);
  }
  findings.items.unshift(...fileLevel.items);
  return { readable: outcome.readable && !header?.fatal, sha256: bytes.facts.sha256 };
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

