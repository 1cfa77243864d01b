import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { packagePath } from '../core/package-root.js';
import {
  directionOf, namingOf, recordIdColumnsOf, type ColumnSpec, type ColumnType, type FileTypeSpec, type SubmissionRule,
  type Workflow,
} from '../transform/file-type-spec.js';
import { FILE_TYPES } from '../transform/file-types/registry.js';

/**
 * Renders docs/file-types.md from the specs, so the page cannot say something the code does not do:
 * a test compares the committed page with this rendering. `--write` (run as main) rewrites the page.
 */
export const FILE_TYPES_DOC = packagePath('docs', 'file-types.md');

/**
 * The file each spec lives in, for readers of the page. The registry does not know file names; a test
 * checks that each file exports its spec, so this list cannot go stale either.
 */
export const SPEC_FILES: Readonly<Record<string, string>> = {
  customer: 'customers.ts',
  customer_relationship: 'customer-relationships.ts',
  applications: 'applications.ts',
  accounts: 'accounts.ts',
  cards: 'cards.ts',
  authorized_users: 'authorized-users.ts',
  collaterals: 'collaterals.ts',
  balances: 'balances.ts',
  transactions: 'transactions.ts',
  non_posted_transactions: 'non-posted-transactions.ts',
  transactions_update: 'transactions-update.ts',
  sales_request: 'sales-request.ts',
  sales_response: 'sales-response.ts',
};

const WORKFLOWS: Readonly<Record<Workflow, string>> = {
  customer: 'Customer',
  compliance: 'Compliance',
  financial: 'Financial',
  sales: 'Sales',
};

const RULES: Readonly<Record<SubmissionRule, string>> = {
  'full-overwrite': 'new and changed records, each one whole',
  'new-only': 'each entry once, never updated',
  'updates-only': 'changes to entries sent before, never new ones',
  'daily-snapshot': 'every entry, every day',
  inbound: 'written by Lead; lead-etl only reads it',
};

export function renderFileTypesDoc(): string {
  const lines: string[] = [
    '# Lead file types',
    '',
    '<!-- Generated from transform/file-types/ by jobs/document-file-types.ts. Do not edit by hand: -->',
    '<!-- change the spec, then run `npm run docs:file-types`. A test fails while the two differ. -->',
    '',
    'Every file type lead-etl knows, in Lead\'s object dependency order, as its spec in',
    '`transform/file-types/` declares it. The columns are Lead\'s, in Lead\'s order, as far as our copy of',
    'Lead\'s documentation (`../shared/lead-spec/`) shows them; where it is cut off or unsure, the last',
    'column says so. Folders and tokens Lead has not confirmed default to the file type\'s id and are',
    'configurable (`sftp.folders.<file type>`).',
    '',
    'Submission rules: ' + Object.entries(RULES).map(([rule, meaning]) => `\`${rule}\` ${meaning}`).join('; ') + '.',
    'Naming: `date` is `<file date>_<token>_V<n>.csv`; `batch` is `<batch id>_<token>_V<n>.csv`.',
    '',
    '| File type | Id | Workflow | Submission rule | Naming | Folder / token | Record id | Source query | Spec file | What is uncertain |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...FILE_TYPES.map(summaryRow),
  ];
  for (const spec of FILE_TYPES) lines.push('', ...section(spec));
  return lines.join('\n') + '\n';
}

function summaryRow(spec: FileTypeSpec): string {
  const inbound = directionOf(spec) === 'inbound';
  return row([
    `[${spec.title}](#${anchor(spec)})`,
    code(spec.id),
    WORKFLOWS[spec.workflow],
    code(spec.rule),
    code(namingOf(spec)),
    `${code(spec.folder)} / ${code(spec.token)}`,
    recordIdColumnsOf(spec).map(code).join(' + '),
    inbound ? 'none (parsed, not queried)' : code(spec.queryFile),
    code(`transform/file-types/${SPEC_FILES[spec.id] ?? '?'}`),
    (spec.uncertain ?? []).join('<br>') || 'nothing known',
  ]);
}

function section(spec: FileTypeSpec): string[] {
  const facts: string[] = [
    directionOf(spec) === 'inbound'
      ? `- ${WORKFLOWS[spec.workflow]} workflow; ${RULES[spec.rule]}.`
      : `- ${WORKFLOWS[spec.workflow]} workflow, \`${spec.rule}\`: ${RULES[spec.rule]}.`,
    `- File: ${code(`<${namingOf(spec) === 'batch' ? 'batch id' : 'file date'}>_${spec.token}_V<n>.csv`)} in folder ${code(spec.folder)}.`,
    `- Record: ${recordIdColumnsOf(spec).map(code).join(' + ')}.`,
  ];
  if (spec.effectiveAtColumn) facts.push(`- ${code(spec.effectiveAtColumn)} must strictly increase each time a record is re-sent.`);
  if (spec.terminal) {
    facts.push(`- Terminal: ${code(spec.terminal.column)} ${spec.terminal.values.map(code).join(' or ')}; never sent again once sent so.`);
  }
  if (spec.hashExcludes?.length) facts.push(`- Ignored when deciding whether a record changed: ${spec.hashExcludes.map(code).join(', ')}.`);
  if (spec.updatableColumns?.length) facts.push(`- An update may change only ${spec.updatableColumns.map(code).join(', ')}.`);
  if (spec.immutableColumns?.length) facts.push(`- Set once, never changed: ${spec.immutableColumns.map(code).join(', ')}.`);
  facts.push(`- From ${code(`../shared/lead-spec/${spec.source.replace(/^lead-spec\//, '')}`)}.`);
  return [
    `## ${spec.title}`,
    '',
    ...facts,
    '',
    '| # | Column | Type | Required |',
    '|---|---|---|---|',
    ...spec.columns.map((column, index) => row([String(index + 1), code(column.name), describeType(column.type), describeRequired(column)])),
  ];
}

function describeType(type: ColumnType): string {
  switch (type.kind) {
    case 'string':
      return 'text';
    case 'enum':
      return `enum: ${type.values.join(', ')}`;
    case 'money': {
      const currency = type.currency === 'program'
        ? 'the program currency'
        : 'fixed' in type.currency ? type.currency.fixed : `the currency in ${code(type.currency.column)}`;
      const precision = type.inboundMaxDecimals === undefined ? '' : `, read with up to ${type.inboundMaxDecimals} decimals`;
      return `money in ${currency}${precision}`;
    }
    case 'currency':
      return 'currency (ISO 4217)';
    case 'date':
      return 'date (YYYY-MM-DD)';
    case 'timestamp':
      return 'timestamp (ISO 8601, with offset)';
    case 'array':
      return type.values ? `JSON array of: ${type.values.join(', ')}` : 'JSON array of ids';
    case 'integer':
      return 'integer';
    case 'boolean':
      return 'boolean (true / false)';
  }
}

function describeRequired(column: ColumnSpec): string {
  if (column.filledBy === 'pipeline') return 'yes (filled by lead-etl)';
  return column.required ? 'yes' : 'no';
}

// GitHub's heading anchors: lower case, spaces to dashes, other punctuation dropped.
const anchor = (spec: FileTypeSpec): string => spec.title.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
const code = (text: string): string => `\`${text}\``;
const row = (cells: readonly string[]): string => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--write')) {
    writeFileSync(FILE_TYPES_DOC, renderFileTypesDoc());
    process.stdout.write(`wrote ${FILE_TYPES_DOC}\n`);
  } else {
    process.stdout.write(renderFileTypesDoc());
  }
}
