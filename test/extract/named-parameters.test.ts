import { describe, expect, it } from 'vitest';
import { compileNamedParameters } from '../../extract/named-parameters.js';
import { isLeadEtlError } from '../../core/errors.js';

describe('compileNamedParameters', () => {
  it('numbers each distinct name once and reuses it', () => {
    const compiled = compileNamedParameters(
      'select * from t where at >= :window_start and at < :window_end and d = :file_date and x < :window_end',
      { window_start: 'a', window_end: 'b', file_date: 'c' },
      'q.sql',
    );
    expect(compiled.sql).toBe('select * from t where at >= $1 and at < $2 and d = $3 and x < $2');
    expect(compiled.parameters).toEqual(['a', 'b', 'c']);
  });

  it('leaves casts, strings, identifiers, comments and dollar quotes alone', () => {
    const sql = [
      "select :a::timestamptz, ':b', E'\\':c', \"col:d\", $$ :e $$, $tag$ :f $tag$ -- :g",
      '/* :h /* nested :i */ */ from t',
    ].join('\n');
    const compiled = compileNamedParameters(sql, { a: 1 }, 'q.sql');
    expect(compiled.sql).toBe(sql.replace(':a::', '$1::'));
    expect(compiled.parameters).toEqual([1]);
  });

  it('names the file and the parameter when a name is unknown', () => {
    try {
      compileNamedParameters('select :windw_start', { window_start: 1 }, 'balances.sql');
      expect.unreachable();
    } catch (error) {
      expect(isLeadEtlError(error, 'QUERY_PARAMETER')).toBe(true);
      expect((error as Error).message).toContain('balances.sql: unknown parameter :windw_start');
    }
  });
});
