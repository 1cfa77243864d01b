import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FILE_TYPES_DOC, renderFileTypesDoc, specFileOf } from '../../jobs/document-file-types.js';
import { directionOf, namingOf, recordIdColumnsOf, type ColumnSpec, type FileTypeId, type FileTypeSpec, type Reference } from '../../transform/file-type-spec.js';
import { FILE_TYPES, fileTypeById, outboundFileTypes } from '../../transform/file-types/registry.js';

/**
 * The specs are data that the pipeline, the config schema and the submission-rule engine trust blindly,
 * so their internal consistency is checked here once rather than at every use.
 */
const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

// The notes (../shared/lead-spec/) that list generated_at among the file's columns; Balances and
// Transactions carry it too, unconfirmed.
const NOTES_WITH_GENERATED_AT = ['cards', 'authorized_users', 'non_posted_transactions', 'sales_response', 'sales_request'];

const columnOf = (spec: FileTypeSpec, name: string): ColumnSpec | undefined => spec.columns.find((column) => column.name === name);
const names = (spec: FileTypeSpec): string[] => spec.columns.map((column) => column.name);

describe('the file type registry', () => {
  it('lists every Lead file type in Lead\'s object dependency order', () => {
    const order = FILE_TYPES.map((spec) => spec.id);
    for (const id of ['customer', 'customer_relationship', 'applications', 'accounts', 'cards', 'authorized_users', 'collaterals',
      'balances', 'transactions', 'non_posted_transactions', 'transactions_update', 'sales_request', 'sales_response']) expect(order).toContain(id);
    // A type comes after every type it names, updates or answers (a card names its account); a pair comes together.
    for (const spec of FILE_TYPES) {
      const before = [...(spec.references ?? []).map((r) => r.to), ...(spec.updates ? [spec.updates] : []), ...(spec.answers ? [spec.answers] : []), ...(spec.pairedWith ? [spec.pairedWith] : [])]
        .filter((to) => to !== spec.id && !(spec.id === 'collaterals' && to === 'balances'));
      for (const to of before) expect(order.indexOf(to), `${spec.id} names ${to}`).toBeLessThan(order.indexOf(spec.id));
    }
  });

  it('keys the registry by id, so the id type is the registry\'s and a typo in a rule table does not compile', () => {
    for (const spec of FILE_TYPES) expect(fileTypeById(spec.id)).toBe(spec);
    const reference: Reference = { column: 'account_id', to: 'accounts' };
    // @ts-expect-error: no file type is called acounts (npm run typecheck fails if this line compiles).
    const typo: Reference = { column: 'account_id', to: 'acounts' };
    // @ts-expect-error: nor card.
    const id: FileTypeId = 'card';
    expect([reference.to, typo.to, id]).toEqual(['accounts', 'acounts', 'card']);
  });

  it('finds a spec by id and names the known ids for an unknown one', () => {
    expect(fileTypeById('cards').title).toBe('Cards');
    expect(() => fileTypeById('card')).toThrow(/unknown file type "card"; known: customer, customer_relationship/);
  });

  it('sends every type but the Sales Request, which Lead writes', () => {
    expect(FILE_TYPES.filter((spec) => !outboundFileTypes().includes(spec)).map((spec) => spec.id)).toEqual(['sales_request']);
  });

  it('gives every type its own id, token, folder and query', () => {
    for (const key of ['id', 'token', 'folder', 'queryFile'] as const) {
      expect(new Set(FILE_TYPES.map((spec) => spec[key])).size, key).toBe(FILE_TYPES.length);
    }
    for (const spec of FILE_TYPES) expect(spec.queryFile, spec.id).toBe(`${spec.id}.sql`);
  });

  it('names batch files only in the Customer workflow, as Lead does', () => {
    for (const spec of FILE_TYPES) expect(namingOf(spec) === 'batch', spec.id).toBe(spec.workflow === 'customer');
  });
});

describe.each(FILE_TYPES.map((spec) => [spec.id, spec] as const))('the %s spec', (_id, spec) => {
  it('has unique, lower-case, snake_case column names', () => {
    expect(new Set(names(spec)).size).toBe(spec.columns.length);
    for (const name of names(spec)) expect(name).toMatch(SNAKE_CASE);
  });

  it('identifies records by columns it has, recordIdColumn first', () => {
    const idColumns = recordIdColumnsOf(spec);
    expect(idColumns[0]).toBe(spec.recordIdColumn);
    expect(new Set(idColumns).size).toBe(idColumns.length);
    for (const name of idColumns) expect(names(spec)).toContain(name);
  });

  it('has no empty or repeated enum', () => {
    for (const column of spec.columns) {
      const values = column.type.kind === 'enum' || column.type.kind === 'array' ? column.type.values : undefined;
      if (values === undefined) continue;
      expect(values.length, column.name).toBeGreaterThan(0);
      expect(new Set(values).size, column.name).toBe(values.length);
    }
  });

  it('takes money currencies from a currency column it has, and parse-side precision only on a file it reads', () => {
    for (const column of spec.columns) {
      if (column.type.kind !== 'money') continue;
      if (column.type.inboundMaxDecimals !== undefined) expect(directionOf(spec), column.name).toBe('inbound');
      if (typeof column.type.currency !== 'object' || !('column' in column.type.currency)) continue;
      expect(columnOf(spec, column.type.currency.column)?.type.kind, column.name).toBe('currency');
    }
  });

  it('fills generated_at itself when it writes the file, and reads Lead\'s when Lead does', () => {
    const generatedAt = columnOf(spec, 'generated_at');
    if (NOTES_WITH_GENERATED_AT.includes(spec.id)) expect(generatedAt).toBeDefined();
    if (generatedAt) expect(generatedAt.filledBy).toBe(directionOf(spec) === 'outbound' ? 'pipeline' : undefined);
    if (directionOf(spec) === 'inbound') expect(spec.columns.filter((column) => column.filledBy)).toEqual([]);
  });

  it('calls a file inbound by its rule exactly when Lead writes it', () => {
    expect(spec.rule === 'inbound').toBe(directionOf(spec) === 'inbound');
  });

  it('declares engine rules only on columns it has', () => {
    const declared = [
      ...(spec.effectiveAtColumn ? [spec.effectiveAtColumn] : []),
      ...(spec.terminal ? [spec.terminal.column] : []),
      ...(spec.hashExcludes ?? []),
      ...(spec.updatableColumns ?? []),
      ...(spec.immutableColumns ?? []),
    ];
    for (const name of declared) expect(names(spec)).toContain(name);
  });

  it('re-sends a full-overwrite record only with a later effective_at, and ignores the build\'s timestamps when comparing', () => {
    if (spec.effectiveAtColumn) {
      expect(spec.rule).toBe('full-overwrite');
      expect(columnOf(spec, spec.effectiveAtColumn)?.type.kind).toBe('timestamp');
    }
    if (spec.rule === 'full-overwrite') {
      // Lead's "effective_at must increase" rule applies wherever a full-overwrite file has the column.
      if (columnOf(spec, 'effective_at')) expect(spec.effectiveAtColumn).toBe('effective_at');
      for (const moving of ['effective_at', 'generated_at']) {
        if (columnOf(spec, moving)) expect(spec.hashExcludes).toContain(moving);
      }
    } else {
      expect(spec.hashExcludes).toBeUndefined();
    }
  });

  it('names terminal values its status enum allows', () => {
    if (!spec.terminal) return;
    const type = columnOf(spec, spec.terminal.column)!.type;
    expect(type.kind).toBe('enum');
    expect(spec.terminal.values.length).toBeGreaterThan(0);
    for (const value of spec.terminal.values) expect(type.kind === 'enum' && type.values).toContain(value);
  });

  it('lets an update change only non-key columns, and only in an updates-only file', () => {
    expect(spec.updatableColumns !== undefined).toBe(spec.rule === 'updates-only');
    for (const name of spec.updatableColumns ?? []) expect(recordIdColumnsOf(spec)).not.toContain(name);
  });

  it('says what Lead leaves open', () => {
    expect(spec.uncertain?.length ?? 0).toBeGreaterThan(0);
  });
});

describe('the Lead file specifics the engine relies on', () => {
  it('knows the terminal states Lead documents', () => {
    expect(fileTypeById('accounts').terminal).toEqual({ column: 'status', values: ['closed'] });
    expect(fileTypeById('applications').terminal?.values).toEqual(['approved', 'declined', 'canceled']);
    expect(fileTypeById('cards').terminal).toEqual({ column: 'card_status', values: ['closed'] });
  });

  it('keys an authorized user by its account and entity pair', () => {
    expect(recordIdColumnsOf(fileTypeById('authorized_users'))).toEqual(['account_id', 'entity_id']);
  });

  it('lets a Transactions Update change only the settlement date', () => {
    expect(fileTypeById('transactions_update').updatableColumns).toEqual(['settlement_date']);
  });

  it('keeps the headers Lead prints, typos included', () => {
    expect(names(fileTypeById('customer'))).toEqual(expect.arrayContaining(['inteded_roles', 'data_of_birth', 'ocupation']));
  });

  it('reads up to 6 decimals of imputed interest from a Sales Request', () => {
    expect(columnOf(fileTypeById('sales_request'), 'imputed_interest_accrued')?.type).toMatchObject({ kind: 'money', inboundMaxDecimals: 6 });
  });
});

describe('docs/file-types.md', () => {
  it('finds each file type in the module named after its id', async () => {
    for (const spec of FILE_TYPES) {
      const path = `../../transform/file-types/${specFileOf(spec.id).replace(/\.ts$/, '.js')}`;
      const module = (await import(/* @vite-ignore */ path)) as Record<string, unknown>;
      expect(Object.values(module), spec.id).toContain(spec);
    }
  });

  it('is the rendering of the specs (run `npm run docs:file-types` after changing one)', () => {
    expect(readFileSync(FILE_TYPES_DOC, 'utf8')).toBe(renderFileTypesDoc());
  });
});
