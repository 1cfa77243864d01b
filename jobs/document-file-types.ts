import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { packagePath } from '../core/package-root.js';
import {
  directionOf, namingOf, recordIdColumnsOf, type ColumnSpec, type ColumnType, type FileTypeSpec, type SubmissionRule,
  type Workflow,
} from '../transform/file-type-spec.js';
import { FILE_TYPES, fileTypeById, type FileTypeId } from '../transform/file-types/registry.js';
import { rulesOf } from '../transform/validation/rule-catalog.js';

/**
 * Renders docs/file-types.md from the specs, so the page cannot say something the code does not do:
 * a test compares the committed page with this rendering. `--write` (run as main) rewrites the page.
 */
export const FILE_TYPES_DOC = packagePath('docs', 'file-types.md');

/** The module each spec lives in: named after its id (`authorized_users` in authorized-users.ts); a test checks it exports the spec. */
export const specFileOf = (id: FileTypeId): string => `${id.replaceAll('_', '-')}.ts`;

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
    'configurable (the profile\'s `files.<file type>.folder`).',
    '',
    'Submission rules: ' + Object.entries(RULES).map(([rule, meaning]) => `\`${rule}\` ${meaning}`).join('; ') + '.',
    'Naming: `date` is `<file date>_<token>_V<n>.csv`; `batch` is `<batch id>_<token>_V<n>.csv`.',
    '',
    '| File type | Id | Workflow | Submission rule | Naming | Folder / token | Record id | Source query | Spec file | What is uncertain |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...FILE_TYPES.map(summaryRow),
  ];
  for (const spec of FILE_TYPES) lines.push('', ...section(spec));
  lines.push('', ...ADDING_A_FILE_TYPE);
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
    code(`transform/file-types/${specFileOf(spec.id)}`),
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
  if (spec.updates) facts.push(`- Updates the entries of ${title(spec.updates)}.`);
  if (spec.answers) facts.push(`- Answers ${title(spec.answers)}, one row per record of it.`);
  if (spec.pairedWith) facts.push(`- Sent with ${title(spec.pairedWith)} in every batch, under one batch id.`);
  if (spec.produces) facts.push(`- Makes known: ${spec.produces.columns.map(code).join(' or ')} (${spec.produces.complete === 'same-date' ? 'every one in the file of its date' : 'new and changed ones only'}).`);
  if (spec.references?.length) {
    facts.push(`- Names: ${spec.references.map((r) => `${code(r.column)} → ${title(r.to)}`).join(', ')}.`);
  }
  const rules = [...new Set(rulesOf(spec).map((r) => r.code))];
  if (rules.length) facts.push(`- Its own rules ([validation-rules.md](validation-rules.md)): ${rules.map(code).join(', ')}.`);
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
    case 'documents':
      return 'JSON array of compliance documents (document_id = a file in the documents folder)';
  }
}

function describeRequired(column: ColumnSpec): string {
  if (column.filledBy === 'pipeline') return 'yes (filled by lead-etl)';
  return column.required ? 'yes' : 'no';
}

const title = (id: FileTypeId): string => `[${fileTypeById(id).title}](#${anchor(fileTypeById(id))})`;

/** The worked example: what adding a file type takes, and nothing more. */
const ADDING_A_FILE_TYPE: readonly string[] = [
  '## Adding a file type',
  '',
  'A file type is one module and one line in the registry; everything else (the pipeline, the submission',
  'rules, the pre-flight validator, Lead\'s sandbox, these pages) reads the spec. Say Lead adds a Disputes',
  'file to the Financial workflow: one row per dispute, new or changed, naming the transaction disputed.',
  '',
  '1. `transform/file-types/disputes.ts`, named after the id:',
  '',
  '   ```ts',
  '   import { enumOf, moneyIn, currency, required, text, timestamp, type FileTypeSpec } from \'../file-type-spec.js\';',
  '   import { recordRule, rule } from \'../validation/rule-kit.js\';',
  '',
  '   const OPEN_AMOUNT = rule(\'record.dispute_open_amount\', \'doc\', \'An open dispute has a positive `amount`.\', \'disputes.md\');',
  '',
  '   export const disputes: FileTypeSpec = {',
  '     id: \'disputes\', title: \'Disputes\', token: \'disputes\', folder: \'disputes\',',
  '     workflow: \'financial\', rule: \'full-overwrite\', recordIdColumn: \'client_dispute_id\',',
  '     queryFile: \'disputes.sql\', source: \'lead-spec/disputes.md\',',
  '     columns: [',
  '       required(\'client_dispute_id\', text),',
  '       required(\'transaction_id\', text),',
  '       required(\'status\', enumOf(\'open\', \'won\', \'lost\')),',
  '       required(\'amount\', moneyIn(\'currency\')),',
  '       required(\'currency\', currency),',
  '       required(\'effective_at\', timestamp),',
  '     ],',
  '     effectiveAtColumn: \'effective_at\', hashExcludes: [\'effective_at\'],',
  '     terminal: { column: \'status\', values: [\'won\', \'lost\'] },',
  '     uncertain: [\'Remote folder and file-name token not confirmed by Lead (default: the id).\'],',
  '     references: [{ column: \'transaction_id\', to: \'transactions\' }],',
  '     validation: {',
  '       records: [recordRule(OPEN_AMOUNT, [\'status\', \'amount\'], (row) =>',
  '         row.get(\'status\') === \'open\' && row.get(\'amount\').startsWith(\'-\') ? [{ column: \'amount\', message: \'...\' }] : [])],',
  '     },',
  '   };',
  '   ```',
  '',
  '2. Its line in `transform/file-types/registry.ts`, in Lead\'s object order (after the types it names):',
  '   `disputes,` after `transactions_update`. The key is the id: `FileTypeId` now includes `disputes`, and a',
  '   rule table naming it with a typo fails to compile.',
  '',
  'That is all the code. A program that sends it lists `disputes` in its profile\'s `fileTypes` and writes',
  '`disputes.sql` in its queries folder ([partner-queries.md](partner-queries.md)); the rule gets its',
  'one-defect case under `test/fixtures/validation/cases/record-dispute-open-amount/`; `npm run',
  'docs:file-types` and `npm run docs:validation-rules` render the pages again. The references, versions,',
  'the activity day, the daily-file and terminal rules come from the declarations, not from new code.',
];

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
