import { describe, expect, it } from 'vitest';
import { splitSqlScript } from '../../extract/sql-script.js';

describe('splitSqlScript', () => {
  it('splits on semicolons outside literals, identifiers, comments and dollar quotes', () => {
    const script = [
      "create table t (a text default 'x;y'); -- trailing; comment",
      'comment on table t is $$one; two$$;',
      '/* block; comment */ select "odd;name" from t',
      ';',
      '-- only a comment;',
    ].join('\n');
    expect(splitSqlScript(script)).toEqual([
      "create table t (a text default 'x;y')",
      '-- trailing; comment\ncomment on table t is $$one; two$$',
      '/* block; comment */ select "odd;name" from t',
    ]);
  });

  it('returns nothing for a script of comments and blanks', () => {
    expect(splitSqlScript('  -- a;\n/* b; */\n')).toEqual([]);
  });
});
