import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { packagePath } from '../core/package-root.js';
import { namingOf } from '../transform/file-type-spec.js';
import { FILE_TYPES } from '../transform/file-types/registry.js';
import { STAGE_NAMES, VALIDATION_RULES, type ValidationRule, type ValidationStage } from '../transform/validation/rule-catalog.js';
import { ROLLFORWARDS } from '../transform/validation/rollforwards.js';
import { MAX_LENGTHS } from '../transform/validation/stage-2-format.js';
import { RECORD_RULES } from '../transform/validation/stage-3-record.js';
import { RECORD_SOURCES, REFERENCES } from '../transform/validation/stage-4-cross.js';

/**
 * Renders docs/validation-rules.md from the rule table and the tables of the stages, so the page lists
 * exactly the codes `lead-etl validate` reports: a test compares the committed page with this rendering.
 * `--write` (run as main) rewrites the page.
 */
export const VALIDATION_RULES_DOC = packagePath('docs', 'validation-rules.md');

const withColumn = (id: string, column: string) => FILE_TYPES.some((s) => s.id === id && s.columns.some((c) => c.name === column));

/** The file types (and columns) a rule looks at, from the same tables the stages run. */
function appliesTo(rule: ValidationRule): string {
  const list = (items: readonly string[]) => [...new Set(items)].map((i) => `\`${i}\``).join(', ');
  const code = rule.code;
  if (code === 'format.max_length') return list(Object.entries(MAX_LENGTHS).flatMap(([t, cs]) => Object.keys(cs).map((c) => `${t}.${c}`)));
  if (rule.stage === 1 || rule.stage === 2) return 'every file';
  if (rule.stage === 3) return list(RECORD_RULES.filter((r) => r.code === code).flatMap((r) => r.fileTypes));
  const references = REFERENCES.filter((r) => r.code === code);
  if (references.length) return list(references.map((r) => `${r.fileType}.${r.column}`));
  const newOnly = RECORD_SOURCES.filter((s) => s.newOnly === code);
  if (newOnly.length) return list(newOnly.map((s) => `${s.fileType}.${s.columns[0]}`));
  if (ROLLFORWARDS.some((r) => r.code === code)) return list(ROLLFORWARDS.filter((r) => r.code === code).map((r) => `balances.${r.column}`));
  switch (code) {
    case 'cross.effective_at_not_increasing':
      return list(FILE_TYPES.filter((s) => s.effectiveAtColumn).map((s) => s.id));
    case 'cross.terminal_record_changed':
      return list(FILE_TYPES.filter((s) => s.terminal).map((s) => s.id));
    case 'cross.immutable_field_changed':
      return list(FILE_TYPES.filter((s) => s.immutableColumns).map((s) => s.id));
    case 'cross.effective_at_window':
      return list(FILE_TYPES.filter((s) => namingOf(s) === 'date' && withColumn(s.id, 'effective_at') && s.direction !== 'inbound').map((s) => s.id));
    case 'cross.balance_missing':
      return list(['balances']);
    case 'cross.holder_type_mismatch':
    case 'cross.mixed_holder_kinds':
    case 'cross.signer_role':
      return list(['accounts', 'applications']);
    default:
      throw new Error(`document-validation-rules: say which files ${code} applies to`);
  }
}

export function renderValidationRulesDoc(): string {
  const lines: string[] = [
    '# Validation rules',
    '',
    '<!-- Generated from transform/validation/ by jobs/document-validation-rules.ts. Do not edit by hand: -->',
    '<!-- change the rule table, then run `npm run docs:validation-rules`. A test fails while the two differ. -->',
    '',
    'What `lead-etl validate PATH...` checks, so a partner learns every reason Lead would reject a file',
    'before uploading it. Each rule has a stable code, reported with the file, the line (the header is line',
    '1; 0 means the file as a whole), the column and a message that quotes ids, amounts, codes and dates but',
    'never names, addresses or free text. Every finding is an error: Lead rejects a whole file for one.',
    '',
    'The stages are Lead\'s (`../shared/lead-spec/sftp-process.md` §1). Field formats and the rules inside a',
    'record run together, as Lead\'s "record evaluation" does; a file that fails a stage is not checked by the',
    'later ones, and the report says so, since Lead would not get that far either.',
    '',
    'Folders are read recursively and everything given is one set, in date order and Lead\'s object order.',
    'When one file exists in several versions (V1, V2), the latest counts as sent. A reference to a record',
    'that the set does not hold is an error only when the set could hold it: the same date\'s daily file',
    '(Balances, the Sales Request) lists every such record; for the others (customers, accounts, cards,',
    'applications, transactions) only a set starting at the program\'s Day 0 (`--from-day0`) or the state',
    'store\'s history does. Records of a file that fails still count as sent for the others, so one defect',
    'is reported once.',
    '',
  ];
  for (const stage of [1, 2, 3, 4] as ValidationStage[]) {
    lines.push(`## Stage ${stage}: ${STAGE_NAMES[stage]}`, '', '| Code | Rule | Applies to | Source |', '|---|---|---|---|');
    for (const rule of VALIDATION_RULES.filter((r) => r.stage === stage)) {
      lines.push(`| \`${rule.code}\` | ${rule.description.replace(/\|/g, '\\|')} | ${appliesTo(rule)} | ${rule.source} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--write')) {
    writeFileSync(VALIDATION_RULES_DOC, renderValidationRulesDoc());
    process.stdout.write(`wrote ${VALIDATION_RULES_DOC}\n`);
  } else {
    process.stdout.write(renderValidationRulesDoc());
  }
}
