import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { packagePath } from '../core/package-root.js';
import { directionOf, namingOf, type ColumnSpec, type FileTypeSpec } from '../transform/file-type-spec.js';
import { FILE_TYPES, fileTypeById } from '../transform/file-types/registry.js';
import { CROSS, FORMAT, INTEGRITY, STAGE_NAMES, VALIDATION_RULES, type ValidationRule } from '../transform/validation/rule-catalog.js';
import { defaultSeverity, type ValidationStage } from '../transform/validation/rule-types.js';

/**
 * Renders docs/validation-rules.md from the rule catalog and the file types' declarations, so the page
 * lists exactly the codes `lead-etl validate` reports and where each applies: a test compares the
 * committed page with this rendering. `--write` (run as main) rewrites the page.
 */
export const VALIDATION_RULES_DOC = packagePath('docs', 'validation-rules.md');

const list = (items: readonly string[]) => [...new Set(items)].map((i) => `\`${i}\``).join(', ');
const columnsWhere = (test: (column: ColumnSpec) => boolean) => FILE_TYPES.flatMap((s) => s.columns.filter(test).map((c) => `${s.id}.${c.name}`));
const specsWhere = (test: (spec: FileTypeSpec) => boolean) => FILE_TYPES.filter(test).map((s) => s.id);
const outbound = (spec: FileTypeSpec) => directionOf(spec) === 'outbound';

/** Engine rules that apply to some columns or types only, from the flags the specs carry. */
const ENGINE_PLACES: Readonly<Record<string, () => string[]>> = {
  [INTEGRITY.tokenAlias.code]: () => FILE_TYPES.flatMap((s) => (s.tokenAliases ?? []).map((alias) => `${s.id} (${alias})`)),
  [INTEGRITY.headerSpelling.code]: () => FILE_TYPES.flatMap((s) => s.columns.flatMap((c) => (c.aliases ?? []).map((alias) => `${s.id}.${c.name} (${alias})`))),
  [INTEGRITY.uncertainColumn.code]: () => columnsWhere((c) => Boolean(c.presenceUnknown)),
  [FORMAT.requiredUnconfirmed.code]: () => columnsWhere((c) => Boolean(c.requirementUnknown)),
  [FORMAT.maxLength.code]: () => columnsWhere((c) => c.maxLength !== undefined),
  [FORMAT.moneyExtraDecimals.code]: () => columnsWhere((c) => c.type.kind === 'money' && c.type.decimals === 'unknown'),
  [FORMAT.moneyWholeUnits.code]: () => columnsWhere((c) => c.type.kind === 'money' && Boolean(c.type.unitsUnknown)),
  [FORMAT.timestampDateOnly.code]: () => columnsWhere((c) => c.type.kind === 'timestamp' && Boolean(c.type.dateUnknown)),
  [FORMAT.enumUnconfirmed.code]: () => FILE_TYPES.flatMap((s) => s.columns.flatMap((c) => (c.type.kind === 'enum' && c.type.unconfirmed ? [`${s.id}.${c.name} (${c.type.unconfirmed.join(', ')})`] : []))),
  [FORMAT.booleanLiteral.code]: () => columnsWhere((c) => c.type.kind === 'boolean'),
  [FORMAT.arrayEncoding.code]: () => columnsWhere((c) => c.type.kind === 'array'),
  [FORMAT.arrayEnum.code]: () => columnsWhere((c) => c.type.kind === 'array' && Boolean(c.type.values)),
  [CROSS.effectiveAtNotIncreasing.code]: () => specsWhere((s) => Boolean(s.effectiveAtColumn)),
  [CROSS.terminalRecordChanged.code]: () => specsWhere((s) => Boolean(s.terminal)),
  [CROSS.immutableFieldChanged.code]: () => specsWhere((s) => Boolean(s.immutableColumns)),
  [CROSS.unchangedRecordResent.code]: () => specsWhere((s) => s.rule === 'full-overwrite'),
  [CROSS.effectiveAtWindow.code]: () => specsWhere((s) => namingOf(s) === 'date' && outbound(s) && s.columns.some((c) => c.name === 'effective_at')),
  [CROSS.dailyFileMissing.code]: () => specsWhere((s) => namingOf(s) === 'date' && outbound(s)),
  [CROSS.batchPairMissing.code]: () => FILE_TYPES.flatMap((s) => (s.pairedWith ? [s.pairedWith, s.id] : [])),
  [CROSS.workflowAlreadyValidated.code]: () => specsWhere(outbound),
};

/** The file types (and columns) a rule looks at, from the same declarations the stages run. */
export function appliesTo(rule: ValidationRule): string {
  const engine = ENGINE_PLACES[rule.code];
  if (engine) return list(engine());
  const places: string[] = [];
  for (const spec of FILE_TYPES) {
    const v = spec.validation;
    const declares = [...(v?.records ?? []), ...(v?.crossRecords ?? []), ...(v?.dateRules ?? []).flatMap((d) => d.rules)].some((r) => r.code === rule.code);
    if (declares) places.push(spec.id);
    if (spec.produces?.newOnly?.code === rule.code) places.push(`${spec.id}.${spec.produces.columns[0]}`);
    for (const reference of spec.references ?? []) {
      if (fileTypeById(reference.to).produces?.unknown?.code === rule.code) places.push(`${spec.id}.${reference.column}`);
    }
  }
  if (places.length > 0) return list(places);
  if (rule.stage === 1 || rule.stage === 2) return 'every file';
  throw new Error(`document-validation-rules: say which files ${rule.code} applies to`);
}

const BASIS: Readonly<Record<ValidationRule['basis'], string>> = { doc: 'doc', inferred: 'inferred', unknown: '[UNKNOWN]' };

export function renderValidationRulesDoc(): string {
  const lines: string[] = [
    '# Validation rules',
    '',
    '<!-- Generated from transform/validation/ and transform/file-types/ by jobs/document-validation-rules.ts. -->',
    '<!-- Do not edit by hand: change the rule, then run `npm run docs:validation-rules`. A test fails while the two differ. -->',
    '',
    'What `lead-etl validate PATH...` checks, so a partner learns every reason Lead would reject a file',
    'before uploading it. Each rule has a stable code, reported with the file, the line (the header is line',
    '1; 0 means the file as a whole), the column and a message that quotes ids, amounts, codes and dates but',
    'never names, addresses or free text.',
    '',
    'A finding is an **error** or a **warning**. An error is what Lead rejects a file for: the run stops its',
    'workflow, `validate` exits 1, the sandbox rejects. A warning never stops anything: it marks a place where',
    'the file takes a reading of Lead\'s docs that the docs leave open (the notes\' **[UNKNOWN]**), or a',
    'practice Lead documents without listing a check for it. Once Lead confirms a reading, the program profile',
    'makes that rule an error, or turns it off (`"rules": { "format.boolean.literal": "error" }`, see',
    '[profiles.md](profiles.md)); a rule Lead documents is always an error. The Basis column says how the',
    'notes know each rule: `doc` stated, `inferred` our reading of what is stated, `[UNKNOWN]` not stated.',
    '',
    'The stages are Lead\'s (`../shared/lead-spec/sftp-process.md` §1). Field formats and the rules inside a',
    'record run together, as Lead\'s "record evaluation" does; a file that fails a stage with an error is not',
    'checked by the later ones, and the report says so, since Lead would not get that far either.',
    '',
    'Folders are read recursively and everything given is one set, in date order and Lead\'s object order.',
    'When one file exists in several versions (V1, V2), the latest counts as sent. A reference to a record',
    'that the set does not hold is an error only when the set could hold it: the same date\'s daily file',
    '(Balances, the Sales Request) lists every such record; for the others (customers, accounts, cards,',
    'applications, transactions) only a set starting at the program\'s Day 0 or the state store\'s history',
    'does. A set whose earliest date is Day 0 (the config\'s `program.firstFileDate`, or `--day0 DATE`) is',
    'taken as complete; otherwise the report\'s last lines say which checks it could not make. Records of a',
    'file that fails still count as sent for the others (even ids read past an unclosed quote), so one',
    'defect is reported once. With a config, files the state store recorded as sent (same name and',
    'content) are history: read for what they made known, not checked again.',
    '',
    'Each file type\'s own rules are declared in its module beside its columns',
    '(`transform/file-types/<type>.ts`); the engine rules (integrity, formats, versions, the activity day,',
    'a workflow\'s files) are in `transform/validation/rule-catalog.ts`. [Adding a rule](#adding-a-rule)',
    'shows how.',
    '',
  ];
  for (const stage of [1, 2, 3, 4] as ValidationStage[]) {
    lines.push(`## Stage ${stage}: ${STAGE_NAMES[stage]}`, '', '| Code | Rule | Applies to | Basis | Severity | Source |', '|---|---|---|---|---|---|');
    for (const rule of VALIDATION_RULES.filter((r) => r.stage === stage)) {
      lines.push(`| \`${rule.code}\` | ${rule.description.replace(/\|/g, '\\|')} | ${appliesTo(rule)} | ${BASIS[rule.basis]} | ${defaultSeverity(rule)} | ${rule.source} |`);
    }
    lines.push('');
  }
  lines.push(
    '## What the notes say that no rule checks',
    '',
    'Read off every note, these are documented but cannot be judged from the files (or are only examples):',
    '',
    '- Every approved application gets an account (accounts.md), and declined and canceled applications are',
    '  reported too (api-rules.md): no deadline is given, and a file cannot show what the partner left out.',
    '- The FBO balance equals the non-posted amounts plus the balances (financial-validations.md §5): it needs',
    '  the bank account\'s balance, which no file carries.',
    '- A non-posted transaction is reported every day until it posts (non-posted-transactions.md): whether it',
    '  posted is the partner\'s knowledge (the posted transaction may carry another id).',
    '- A batch id is not reused (file-exchange.md) and T+1 goes only after T validated: Lead\'s records and',
    '  the run\'s order, which the pipeline keeps (`cross.workflow_already_validated` checks what the state',
    '  store knows).',
    '- Credit Day 0 files hold only headers (use-cases-day0.md): an example of one program, not a rule.',
    '- Each entity must meet its role\'s data requirements (Entity Role Mismatch): the requirements page is',
    '  not in the notes; the intended roles are checked (`cross.holder_role`, `cross.signer_role`,',
    '  `cross.user_role`).',
    '',
    '## Adding a rule',
    '',
    'A rule is declared once, in the module of the file type it checks, and reaches the validator, the',
    'pipeline\'s pre-flight, Lead\'s sandbox and this page from there. Say Lead\'s Cards page added "a virtual',
    'card has no `expiry_date` before its account\'s opening". In `transform/file-types/cards.ts`:',
    '',
    '```ts',
    'const VIRTUAL_EXPIRY = rule(\'record.virtual_card_expiry\', \'doc\',',
    '  \'A virtual card\\\'s `expiry_date` is ...\', \'cards.md\');',
    '',
    '// in `records` (stage 3: a pure function of one row, by Lead\'s column names)',
    'recordRule(VIRTUAL_EXPIRY, [\'is_virtual\', \'expiry_date\'], (row) =>',
    '  row.get(\'is_virtual\') === \'true\' && ... ? [{ column: \'expiry_date\', message: \'...\' }] : []),',
    '```',
    '',
    'A rule that looks at other records is a `crossRecords` entry instead: it says which facts it `needs`',
    '(another file type\'s `facts`, such as an account\'s holders) and checks the row against them once its',
    'date is read, returning `unchecked` when the set does not know them. Then add its one-defect case under',
    '`test/fixtures/validation/cases/<code with dashes>/` (the files, and `.expected.json` naming the file,',
    'line, column and code) and run `npm run docs:validation-rules`. The corpus test fails for a rule',
    'without a case, and the page test while this page is not regenerated.',
    '',
  );
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
