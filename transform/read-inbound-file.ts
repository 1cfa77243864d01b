import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { DateTime } from 'luxon';
import { LeadEtlError } from '../core/errors.js';
import type { ColumnType, FileTypeSpec } from './file-type-spec.js';
import { isKnownCurrency } from './money.js';
import type { ProblemLog } from './problem-log.js';

/**
 * Reads a file Lead wrote (the Sales Request) against its spec: the header must hold every column the
 * spec requires, and each value must parse as its type. Amounts stay decimal strings; Lead drops trailing
 * zeros (`100`, `100.5`) and may give imputed interest up to 6 decimals.
 */
export async function* readInboundFile(path: string, spec: FileTypeSpec, problems: ProblemLog): AsyncGenerator<Record<string, string>> {
  const parser = createReadStream(path).pipe(parse({ delimiter: '|', columns: (header: string[]) => checkHeader(header, spec, path), bom: true }));
  let line = 1;
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    line += 1;
    let ok = true;
    for (const column of spec.columns) {
      const value = row[column.name] ?? '';
      if (value === '') {
        if (column.required && column.filledBy !== 'pipeline') {
          problems.add({ fileType: spec.id, line, recordId: row[spec.recordIdColumn] ?? '', column: column.name, rule: 'required', message: 'is required but empty' });
          ok = false;
        }
        continue;
      }
      const rule = inboundRule(column.type, value);
      if (rule) {
        problems.add({ fileType: spec.id, line, recordId: row[spec.recordIdColumn] ?? '', column: column.name, rule, message: `"${value}" does not parse as ${column.type.kind}` });
        ok = false;
      }
    }
    if (ok) yield row;
  }
}

function checkHeader(header: string[], spec: FileTypeSpec, path: string): string[] {
  const missing = spec.columns.filter((c) => c.required && !header.includes(c.name)).map((c) => c.name);
  if (missing.length > 0) throw new LeadEtlError('ROW_INVALID', `${path}: the ${spec.id} header lacks ${missing.join(', ')}`);
  return header;
}

function inboundRule(type: ColumnType, value: string): string | undefined {
  switch (type.kind) {
    case 'money': {
      const max = type.inboundMaxDecimals ?? 2;
      return new RegExp(`^-?\\d+(\\.\\d{1,${max}})?$`).test(value) ? undefined : 'money.format';
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid ? undefined : 'date.format';
    case 'timestamp':
      return DateTime.fromISO(value, { setZone: true }).isValid ? undefined : 'timestamp.format';
    case 'currency':
      return isKnownCurrency(value) ? undefined : 'currency.code';
    case 'enum':
      return type.values.includes(value) ? undefined : 'enum';
    default:
      return undefined;
  }
}
