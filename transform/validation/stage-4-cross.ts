import { activityWindow, addDays, parseFileDate } from '../../core/file-date.js';
import { parseDecimal, ZERO, type Decimal } from './exact-decimal.js';
import { parseIsoTimestamp } from './iso-timestamp.js';
import type { FileColumns } from './file-columns.js';
import { finding, type Finding } from './finding.js';
import { activityFor, addActivity, ROLLED_COLUMNS, ROLLFORWARDS, rollForward, type DayActivity } from './rollforwards.js';
import type { RuleCode } from './rule-catalog.js';
import { recordKeyOf } from './stage-1-integrity.js';
import type { CustomerFacts, PriorBalance, PriorVersion, RecordKind, ValidationHistory } from './validation-history.js';

/**
 * Stage 4, rules across records and files of the set (sftp-process.md §1 stage 3+, §5, §6;
 * financial-validations.md; api-rules.md). Files are read in date order, and within a date in Lead's
 * object order; what a file teaches the later ones is kept compact: ids, each record's last
 * effective_at, customer types, and the balances of one day with one day's sums per balance. Rows are
 * never kept.
 *
 * Per file, the checks against earlier files run when the file ends; references and roll-forwards run
 * when its date ends, so files of the same date may name each other in any order.
 */

/** Which file types make which ids known, and when the set alone knows all of them. */
export interface RecordSource {
  readonly kind: RecordKind;
  readonly fileType: string;
  readonly columns: readonly string[];
  /**
   * `same-date`: a daily file lists them all (every balance not closed, every sale of the day), so the
   * file of the same date settles whether an id exists. `from-day0`: files carry new and changed records
   * only, so only a set starting at the program's Day 0 (or history) knows every id.
   */
  readonly complete: 'same-date' | 'from-day0';
  /** New-only file types: an id sent twice is this rule's finding. */
  readonly newOnly?: RuleCode;
}

export const RECORD_SOURCES: readonly RecordSource[] = [
  { kind: 'customer', fileType: 'customer', columns: ['client_customer_id'], complete: 'from-day0' },
  { kind: 'application', fileType: 'applications', columns: ['client_application_id'], complete: 'from-day0' },
  { kind: 'account', fileType: 'accounts', columns: ['client_account_id'], complete: 'from-day0' },
  { kind: 'card', fileType: 'cards', columns: ['client_card_id'], complete: 'from-day0' },
  { kind: 'balance', fileType: 'balances', columns: ['client_balance_id', 'id'], complete: 'same-date' },
  { kind: 'transaction', fileType: 'transactions', columns: ['client_transaction_id'], complete: 'from-day0', newOnly: 'cross.transaction_id_reused' },
  { kind: 'sale', fileType: 'sales_request', columns: ['sale_id'], complete: 'same-date' },
  { kind: 'sale_answer', fileType: 'sales_response', columns: ['sale_id'], complete: 'from-day0', newOnly: 'cross.sale_already_answered' },
];

/** A column naming a record of another file (a JSON list of ids when `list`). */
export interface Reference {
  readonly code: RuleCode;
  readonly fileType: string;
  readonly column: string;
  readonly kind: RecordKind;
  readonly list?: boolean;
}

const ref = (code: RuleCode, kind: RecordKind, fileType: string, column: string, list = false): Reference => ({ code, fileType, column, kind, list });

export const REFERENCES: readonly Reference[] = [
  ref('cross.unknown_customer', 'customer', 'customer_relationship', 'client_individual_id'),
  ref('cross.unknown_customer', 'customer', 'customer_relationship', 'client_business_id'),
  ref('cross.unknown_customer', 'customer', 'customer_relationship', 'client_sole_prop_id'),
  ref('cross.unknown_customer', 'customer', 'applications', 'account_holders', true),
  ref('cross.unknown_customer', 'customer', 'applications', 'authorized_signers', true),
  ref('cross.unknown_customer', 'customer', 'accounts', 'account_holders', true),
  ref('cross.unknown_customer', 'customer', 'accounts', 'authorized_signers', true),
  ref('cross.unknown_customer', 'customer', 'accounts', 'authorized_users', true),
  ref('cross.unknown_application', 'application', 'accounts', 'application_id'),
  ref('cross.unknown_account', 'account', 'cards', 'account_id'),
  ref('cross.unknown_customer', 'customer', 'cards', 'entity_id'),
  ref('cross.unknown_card', 'card', 'cards', 'replaced_by'),
  ref('cross.unknown_account', 'account', 'authorized_users', 'account_id'),
  ref('cross.unknown_customer', 'customer', 'authorized_users', 'entity_id'),
  ref('cross.unknown_account', 'account', 'collaterals', 'account_id'),
  ref('cross.unknown_balance', 'balance', 'collaterals', 'balance_id'),
  ref('cross.unknown_account', 'account', 'balances', 'account_id'),
  ref('cross.unknown_balance', 'balance', 'transactions', 'balance_id'),
  ref('cross.unknown_card', 'card', 'transactions', 'card_id'),
  ref('cross.unknown_balance', 'balance', 'non_posted_transactions', 'balance_id'),
  ref('cross.update_unknown_transaction', 'transaction', 'transactions_update', 'transaction_id'),
  ref('cross.unknown_sale', 'sale', 'sales_response', 'sale_id'),
];

/** Lead's own ids, which a reference may hold and only Lead can resolve (sftp-process.md §5). */
export const LEAD_ID_PREFIXES: Readonly<Partial<Record<RecordKind, readonly string[]>>> = {
  customer: ['entity_'],
  application: ['application_'],
  account: ['account_', 'subledgered_account_', 'partner_ledgered_account_'],
  card: ['card_'],
  balance: ['subledger_balance_'],
};

const KIND_NAMES: Readonly<Record<RecordKind, string>> = {
  customer: 'customer (Customer file)',
  application: 'application (Applications file)',
  account: 'account (Accounts file)',
  card: 'card (Cards file)',
  balance: 'balance (Balances file)',
  transaction: 'transaction (Transactions file)',
  sale: 'sale (Sales Request of the same date)',
  sale_answer: 'sale answer',
};

const HOLDER_TYPES = ['accounts', 'applications'];

export interface CrossOptions {
  readonly history: ValidationHistory;
  /** The set holds every file since the program's Day 0: an id it never saw was never sent. */
  readonly fromDay0: boolean;
}

interface Version {
  readonly at?: number;
  readonly atText?: string;
  readonly terminal: boolean;
  /** First values of the immutable columns, by the file's column name. */
  readonly immutable?: Readonly<Record<string, string>>;
  readonly where: string;
}

/** One balance of a Balances file: its amounts (null: the value did not parse) and nothing else. */
interface SnapshotRow {
  readonly line: number;
  readonly type: string;
  readonly status: string;
  readonly amounts: Readonly<Record<string, Decimal | null | undefined>>;
}

/** What one file teaches the set, gathered row by row and let go once its date is done. */
export interface FileFacts {
  readonly file: string;
  readonly columns: FileColumns;
  readonly fileDate: string;
  /** How a message names this file to a later one ("the file dated 2026-03-06"), one string per file. */
  readonly where: string;
  /** A date-named file's T-1 (epoch milliseconds), which its effective_at values must fall in. */
  readonly window?: { readonly start: number; readonly end: number; readonly activityDate: string };
  readonly produced: Map<RecordKind, Map<string, number>>;
  readonly versions: Map<string, { line: number; version: Version }>;
  readonly references: { line: number; column: string; reference: Reference; id: string }[];
  readonly holders: { line: number; declared: string; holders: string[]; signers: string[] }[];
  readonly customers: Map<string, CustomerFacts>;
  readonly balances: Map<string, SnapshotRow>;
  readonly activity: Map<string, DayActivity>;
  /** Balances whose day cannot be summed: one of their transactions had an amount that did not parse. */
  readonly unsummable: Set<string>;
  readonly findings: Finding[];
  /** Set when the file ends: whether stages 1-3 passed, and whether every line could be read. */
  passed: boolean;
  readable: boolean;
}

export interface SetState {
  readonly options: CrossOptions;
  /** Ids of each kind the set has sent so far, with the date of the file that sent them first. */
  readonly known: Map<RecordKind, Map<string, string>>;
  /** For each file type in the set, the dates it has a file for. */
  readonly present: ReadonlyMap<string, ReadonlySet<string>>;
  readonly versions: Map<string, Map<string, Version>>;
  readonly customers: Map<string, CustomerFacts>;
  readonly balanceTypes: Map<string, 'deposit' | 'credit'>;
  pending: FileFacts[];
  previous?: { readonly date: string; readonly balances: ReadonlyMap<string, SnapshotRow> };
}

export function createSetState(options: CrossOptions, files: readonly { fileType: string; fileDate: string }[]): SetState {
  const present = new Map<string, Set<string>>();
  for (const f of files) present.set(f.fileType, (present.get(f.fileType) ?? new Set()).add(f.fileDate));
  return { options, known: new Map(), present, versions: new Map(), customers: new Map(), balanceTypes: new Map(), pending: [] };
}

export function startFile(state: SetState, file: string, columns: FileColumns, fileDate: string, dated: boolean): FileFacts {
  const window = dated ? activityWindow(parseFileDate(fileDate)) : undefined;
  const facts: FileFacts = {
    file, columns, fileDate,
    where: fileDate ? `the file dated ${fileDate}` : 'an earlier batch',
    ...(window ? { window: { start: window.start.toMillis(), end: window.end.toMillis(), activityDate: window.activityDate } } : {}),
    produced: new Map(), versions: new Map(), references: [], holders: [], customers: new Map(), balances: new Map(),
    activity: new Map(), unsummable: new Set(), findings: [], passed: false, readable: false,
  };
  state.pending.push(facts);
  return facts;
}

/**
 * Gathers a readable row's facts. `cell` reads by the file's column name; values that failed their
 * format (`failed`) are not used, so a wrong value is reported once, by stage 2.
 */
export function collectRow(facts: FileFacts, line: number, cell: (fileName: string) => string, failed: (fileName: string) => boolean): void {
  const { columns } = facts;
  const spec = columns.spec;
  const value = (leadName: string) => {
    const name = columns.fileName(leadName);
    return name === undefined || failed(name) ? '' : cell(name);
  };

  for (const source of RECORD_SOURCES) {
    if (source.fileType !== spec.id) continue;
    const ids = facts.produced.get(source.kind) ?? new Map<string, number>();
    facts.produced.set(source.kind, ids);
    for (const column of source.columns) {
      const id = value(column);
      if (id !== '' && !ids.has(id)) ids.set(id, line);
    }
  }

  if (spec.effectiveAtColumn || spec.terminal || spec.immutableColumns) {
    const key = recordKeyOf(columns, cell);
    if (key !== '' && !facts.versions.has(key)) {
      const atText = spec.effectiveAtColumn && !failed(spec.effectiveAtColumn) ? cell(spec.effectiveAtColumn) : '';
      const terminal = spec.terminal !== undefined && !failed(spec.terminal.column) && spec.terminal.values.includes(cell(spec.terminal.column));
      const immutable = spec.immutableColumns ? Object.fromEntries(spec.immutableColumns.map((c) => [c, failed(c) ? '' : cell(c)])) : undefined;
      facts.versions.set(key, {
        line,
        version: { ...(atText ? { at: instant(atText), atText } : {}), terminal, ...(immutable ? { immutable } : {}), where: facts.where },
      });
    }
  }

  for (const reference of REFERENCES) {
    if (reference.fileType !== spec.id) continue;
    const text = value(reference.column);
    if (text === '') continue;
    const ids = reference.list ? (JSON.parse(text) as string[]) : [text];
    for (const id of ids) {
      if (LEAD_ID_PREFIXES[reference.kind]?.some((prefix) => id.startsWith(prefix))) continue;
      facts.references.push({ line, column: columns.fileName(reference.column)!, reference, id });
    }
  }

  const effectiveAt = value('effective_at');
  if (facts.window && effectiveAt !== '') {
    const window = facts.window;
    const at = instant(effectiveAt);
    if (at < window.start || at >= window.end) {
      facts.findings.push(finding(facts.file, line, columns.fileName('effective_at')!, 'cross.effective_at_window',
        `${effectiveAt} is outside ${window.activityDate} (America/Chicago), the day the file dated ${facts.fileDate} carries`));
    }
  }

  if (spec.id === 'customer' && value('client_customer_id') !== '') {
    const roles = value('inteded_roles');
    facts.customers.set(value('client_customer_id'), { customerType: value('customer_type'), intendedRoles: roles ? (JSON.parse(roles) as string[]) : [] });
  }

  if (HOLDER_TYPES.includes(spec.id)) {
    const list = (leadName: string) => {
      const text = value(leadName);
      return text ? (JSON.parse(text) as string[]).filter((id) => !id.startsWith('entity_')) : [];
    };
    facts.holders.push({ line, declared: value('account_holder_type'), holders: list('account_holders'), signers: list('authorized_signers') });
  }

  if (spec.id === 'balances') {
    const id = value('client_balance_id') || value('id');
    const type = value('type');
    if (id !== '' && (type === 'deposit' || type === 'credit')) {
      const amounts: Record<string, Decimal | null | undefined> = {};
      for (const column of ROLLED_COLUMNS) {
        const name = columns.fileName(column);
        if (name === undefined) continue;
        amounts[column] = failed(name) ? null : cell(name) === '' ? undefined : parseDecimal(cell(name)) ?? null;
      }
      facts.balances.set(id, { line, type, status: value('status'), amounts });
    }
  }

  if (spec.id === 'transactions') {
    const balanceId = value('balance_id');
    if (balanceId === '') return;
    const amount = (leadName: string): Decimal | null => {
      const name = columns.fileName(leadName);
      if (name === undefined || cell(name) === '') return ZERO;
      return failed(name) ? null : parseDecimal(cell(name)) ?? null;
    };
    const sums = { amount: amount('amount'), principal_amount: amount('principal_amount'), rewards_amount: amount('rewards_amount') };
    const type = value('type');
    if (type === '' || sums.amount === null || sums.principal_amount === null || sums.rewards_amount === null) {
      facts.unsummable.add(balanceId);
      return;
    }
    const activity = facts.activity.get(balanceId) ?? new Map();
    facts.activity.set(balanceId, activity);
    addActivity(activity, type, sums as Record<'amount' | 'principal_amount' | 'rewards_amount', Decimal>);
  }
}

/**
 * A file is done. When it passed stages 1-3, its records are checked against the earlier files of the
 * set and history; either way what it sent joins the set, so a file rejected for one row does not make
 * every record that names it unknown too.
 */
export async function endFile(state: SetState, facts: FileFacts, outcome: { passed: boolean; readable: boolean }): Promise<Finding[]> {
  facts.passed = outcome.passed;
  facts.readable = outcome.readable;
  const findings = outcome.passed ? [...facts.findings, ...await newOnlyFindings(state, facts), ...await versionFindings(state, facts)] : [];

  for (const [kind, ids] of facts.produced) {
    const known = state.known.get(kind) ?? new Map<string, string>();
    state.known.set(kind, known);
    for (const id of ids.keys()) if (!known.has(id)) known.set(id, facts.fileDate);
  }
  const versions = state.versions.get(facts.columns.spec.id) ?? new Map<string, Version>();
  state.versions.set(facts.columns.spec.id, versions);
  for (const [key, { version }] of facts.versions) {
    const before = versions.get(key);
    // Immutable values are the first ones set; a later version only fills those still empty.
    const immutable = before?.immutable && version.immutable
      ? Object.fromEntries(Object.entries(version.immutable).map(([c, v]) => [c, before.immutable![c] || v]))
      : version.immutable;
    versions.set(key, { ...version, ...(immutable ? { immutable } : {}) });
  }
  for (const [id, customer] of facts.customers) state.customers.set(id, customer);
  for (const [id, balance] of facts.balances) state.balanceTypes.set(id, balance.type as 'deposit' | 'credit');
  return findings;
}

async function newOnlyFindings(state: SetState, facts: FileFacts): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const source of RECORD_SOURCES) {
    if (source.fileType !== facts.columns.spec.id || !source.newOnly) continue;
    const ids = facts.produced.get(source.kind) ?? new Map<string, number>();
    const known = state.known.get(source.kind) ?? new Map<string, string>();
    const column = facts.columns.fileName(source.columns[0]!)!;
    const rest = [...ids.keys()].filter((id) => !known.has(id));
    const sentBefore = rest.length ? await state.options.history.knownIds(source.kind, rest) : new Set<string>();
    for (const [id, line] of ids) {
      const date = known.get(id);
      if (date === undefined && !sentBefore.has(id)) continue;
      const where = date === undefined ? 'before this set' : `in the file dated ${date || '(undated)'}`;
      findings.push(finding(facts.file, line, column, source.newOnly, `${id} was already sent ${where}; each ${facts.columns.spec.title} entry is sent once, ever`));
    }
  }
  return findings;
}

async function versionFindings(state: SetState, facts: FileFacts): Promise<Finding[]> {
  const spec = facts.columns.spec;
  if (facts.versions.size === 0) return [];
  const inSet = state.versions.get(spec.id) ?? new Map<string, Version>();
  const rest = [...facts.versions.keys()].filter((key) => !inSet.has(key));
  const fromHistory = rest.length ? await state.options.history.lastVersions(spec.id, rest) : new Map<string, PriorVersion>();
  const idColumn = spec.recordIdColumn;
  const findings: Finding[] = [];
  for (const [key, { line, version }] of facts.versions) {
    const prior = inSet.get(key) ?? priorFromHistory(fromHistory.get(key), facts.columns);
    if (!prior) continue;
    if (prior.terminal) {
      findings.push(finding(facts.file, line, spec.terminal?.column ?? idColumn, 'cross.terminal_record_changed',
        `${key} was sent ${spec.terminal ? `${spec.terminal.column} ${spec.terminal.values.join('/')}` : 'terminal'} in ${prior.where}; Lead takes no change to it after that`));
      continue;
    }
    if (spec.effectiveAtColumn && version.at !== undefined && prior.at !== undefined && version.at <= prior.at) {
      findings.push(finding(facts.file, line, spec.effectiveAtColumn, 'cross.effective_at_not_increasing',
        `${key}: ${version.atText} is not later than ${prior.atText}, its effective_at in ${prior.where}`));
    }
    for (const [column, first] of Object.entries(prior.immutable ?? {})) {
      const now = version.immutable?.[column] ?? '';
      if (first !== '' && now !== first) {
        findings.push(finding(facts.file, line, column, 'cross.immutable_field_changed', `${key}: ${column} was first sent as ${first} in ${prior.where}; Lead lets it be set only once`));
      }
    }
  }
  return findings;
}

function priorFromHistory(prior: PriorVersion | undefined, columns: FileColumns): Version | undefined {
  if (!prior) return undefined;
  const immutable = prior.immutable
    ? Object.fromEntries(Object.entries(prior.immutable).map(([lead, v]) => [columns.fileName(lead) ?? lead, v]))
    : undefined;
  return {
    ...(prior.effectiveAt ? { at: instant(prior.effectiveAt), atText: prior.effectiveAt } : {}),
    terminal: prior.terminal,
    ...(immutable ? { immutable } : {}),
    where: 'a file sent before this set',
  };
}

export interface DateOutcome {
  readonly findings: Finding[];
  /** Why a check could not run, per file, for the report. */
  readonly notes: { file: string; note: string }[];
}

/** A date is done: references, holders, balance coverage and roll-forwards for its files. */
export async function endDate(state: SetState, date: string): Promise<DateOutcome> {
  const files = state.pending;
  state.pending = [];
  const outcome: DateOutcome = { findings: [], notes: [] };
  const passed = files.filter((f) => f.passed);
  outcome.findings.push(...await referenceFindings(state, date, passed), ...await holderFindings(state, passed));
  await balanceFindings(state, date, files, outcome);
  return outcome;
}

function covered(state: SetState, kind: RecordKind, date: string): boolean {
  if (state.options.history.covers.has(kind)) return true;
  const source = RECORD_SOURCES.find((s) => s.kind === kind)!;
  const dates = state.present.get(source.fileType);
  if (!dates) return false;
  return source.complete === 'same-date' ? dates.has(date) : state.options.fromDay0;
}

async function referenceFindings(state: SetState, date: string, files: readonly FileFacts[]): Promise<Finding[]> {
  const unknown = new Map<RecordKind, Set<string>>();
  for (const facts of files) {
    for (const r of facts.references) {
      if (!covered(state, r.reference.kind, date) || state.known.get(r.reference.kind)?.has(r.id)) continue;
      unknown.set(r.reference.kind, (unknown.get(r.reference.kind) ?? new Set()).add(r.id));
    }
  }
  const sentBefore = new Map<RecordKind, ReadonlySet<string>>();
  for (const [kind, ids] of unknown) sentBefore.set(kind, await state.options.history.knownIds(kind, [...ids]));
  const findings: Finding[] = [];
  for (const facts of files) {
    for (const r of facts.references) {
      if (!unknown.get(r.reference.kind)?.has(r.id) || sentBefore.get(r.reference.kind)?.has(r.id)) continue;
      findings.push(finding(facts.file, r.line, r.column, r.reference.code,
        `${r.id} names no ${KIND_NAMES[r.reference.kind]} sent before or in the set up to ${date || 'this batch'}; send it first, or correct the id`));
    }
  }
  return findings;
}

async function holderFindings(state: SetState, files: readonly FileFacts[]): Promise<Finding[]> {
  const rows = files.flatMap((facts) => facts.holders.map((row) => ({ facts, row })));
  if (rows.length === 0) return [];
  const wanted = [...new Set(rows.flatMap(({ row }) => [...row.holders, ...row.signers]))].filter((id) => !state.customers.has(id));
  const fromHistory = wanted.length ? await state.options.history.customers(wanted) : new Map<string, CustomerFacts>();
  const customer = (id: string) => state.customers.get(id) ?? fromHistory.get(id);
  const findings: Finding[] = [];
  for (const { facts, row } of rows) {
    const name = (lead: string) => facts.columns.fileName(lead) ?? lead;
    const kinds = new Set(row.holders.map((id) => customer(id)?.customerType).filter((t): t is string => t !== undefined).map((t) => (t === 'individual' ? 'individual' : 'business')));
    if (kinds.size > 1) {
      findings.push(finding(facts.file, row.line, name('account_holders'), 'cross.mixed_holder_kinds',
        'holders mix individuals with businesses or sole props; individuals of a commercial account belong among the authorized signers'));
    } else if (kinds.size === 1 && row.declared !== '') {
      const derived = kinds.has('individual') ? 'consumer' : 'commercial';
      if (derived !== row.declared) {
        findings.push(finding(facts.file, row.line, name('account_holder_type'), 'cross.holder_type_mismatch',
          `account_holder_type is ${row.declared} but the holders are ${kinds.has('individual') ? 'individuals' : 'businesses or sole props'}, which makes it ${derived}`));
      }
    }
    for (const id of row.signers) {
      const signer = customer(id);
      if (!signer) continue;
      if (signer.customerType !== 'individual' || (signer.intendedRoles.length > 0 && !signer.intendedRoles.includes('authorized_signer'))) {
        findings.push(finding(facts.file, row.line, name('authorized_signers'), 'cross.signer_role',
          `${id} is ${signer.customerType !== 'individual' ? `a ${signer.customerType} customer` : 'an individual whose intended roles do not include authorized_signer'}; a signer is an individual who may sign`));
      }
    }
  }
  return findings;
}

async function balanceFindings(state: SetState, date: string, files: readonly FileFacts[], outcome: DateOutcome): Promise<void> {
  const balances = files.find((f) => f.columns.spec.id === 'balances');
  if (!balances || date === '') return;
  const transactions = files.find((f) => f.columns.spec.id === 'transactions');
  const yesterday = addDays(parseFileDate(date), -1);
  // The set's first Balances file on Day 0 rolls forward from nothing: no balance existed before.
  const previous = state.previous?.date === yesterday
    ? state.previous.balances
    : snapshotFromHistory(await state.options.history.balancesOf(yesterday)) ?? (state.options.fromDay0 && !state.previous ? new Map<string, SnapshotRow>() : undefined);
  state.previous = { date, balances: balances.balances };
  if (!balances.passed) return;
  const note = (text: string) => outcome.notes.push({ file: balances.file, note: text });
  if (!previous) {
    note(`roll-forwards not checked: no Balances file dated ${yesterday} in the set or history`);
    return;
  }
  const idColumn = balances.columns.fileName('client_balance_id') ?? balances.columns.spec.recordIdColumn;
  const terminal = balances.columns.spec.terminal?.values ?? [];
  for (const [id, row] of previous) {
    if (!terminal.includes(row.status) && !balances.balances.has(id)) {
      outcome.findings.push(finding(balances.file, 0, idColumn, 'cross.balance_missing',
        `balance ${id} was ${row.status} in the file dated ${yesterday} and is not in this one; every balance not closed is reported every day, zero balances too`));
    }
  }
  if (!transactions) {
    note(`roll-forwards not checked: no Transactions file dated ${date} in the set`);
    return;
  }
  if (!transactions.readable) {
    note(`roll-forwards not checked: the Transactions file dated ${date} has lines that could not be read`);
    return;
  }
  for (const [id, row] of balances.balances) {
    if (transactions.unsummable.has(id)) continue;
    const before = previous.get(id);
    for (const rule of ROLLFORWARDS) {
      if (rule.balanceType !== row.type) continue;
      const todayValue = row.amounts[rule.column];
      if (todayValue === null || (todayValue === undefined && rule.empty === 'skip') || !(rule.column in row.amounts)) continue;
      const beforeValue = before ? before.amounts[rule.column] : ZERO;
      if (beforeValue === null) continue;
      const message = rollForward(rule, id, todayValue ?? ZERO, beforeValue ?? ZERO, activityFor(rule, transactions.activity.get(id)), { today: date, yesterday });
      if (message) outcome.findings.push(finding(balances.file, row.line, balances.columns.fileName(rule.column)!, rule.code, message));
    }
  }
}

function snapshotFromHistory(prior: ReadonlyMap<string, PriorBalance> | undefined): ReadonlyMap<string, SnapshotRow> | undefined {
  if (!prior) return undefined;
  return new Map([...prior].map(([id, b]) => [id, {
    line: 0,
    type: b.type,
    status: b.status,
    amounts: Object.fromEntries(Object.entries(b.amounts).map(([c, v]) => [c, v === '' ? undefined : parseDecimal(v) ?? null])),
  }]));
}

/** Format has checked the timestamp; one without an offset names no instant and is never compared. */
function instant(text: string): number {
  return parseIsoTimestamp(text)?.epochMs ?? Number.NaN;
}
