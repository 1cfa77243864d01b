import { LeadEtlError } from '../core/errors.js';

/**
 * Partner queries are written with named parameters (`:window_start`); PostgreSQL wants `$1`.
 * The scan skips string literals, quoted identifiers, dollar-quoted bodies, comments and `::` casts,
 * so a `:` inside any of them is left alone.
 */
export interface CompiledSql {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

export function compileNamedParameters(sql: string, values: Readonly<Record<string, unknown>>, source: string): CompiledSql {
  const order: string[] = [];
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const skipTo = skipNonCode(sql, i);
    if (skipTo > i) {
      out += sql.slice(i, skipTo);
      i = skipTo;
      continue;
    }
    const ch = sql[i]!;
    if (ch === ':' && sql[i + 1] === ':') {
      out += '::';
      i += 2;
      continue;
    }
    if (ch === ':' && /[a-z_]/i.test(sql[i + 1] ?? '')) {
      const match = /^[a-z_][a-z0-9_]*/i.exec(sql.slice(i + 1))!;
      const name = match[0];
      if (!(name in values)) {
        throw new LeadEtlError(
          'QUERY_PARAMETER',
          `${source}: unknown parameter :${name}; available: ${Object.keys(values).map((k) => ':' + k).join(', ')}`,
        );
      }
      let index = order.indexOf(name);
      if (index < 0) index = order.push(name) - 1;
      out += `$${index + 1}`;
      i += 1 + name.length;
      continue;
    }
    out += ch;
    i += 1;
  }
  return { sql: out, parameters: order.map((name) => values[name]) };
}

/**
 * Returns the index just past a literal, identifier, comment or dollar-quoted body starting at `i`, or `i`.
 * Shared with the SQL script splitter, so both read SQL text the same way.
 */
export function skipNonCode(sql: string, i: number): number {
  const ch = sql[i];
  const next = sql[i + 1];
  if (ch === '-' && next === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end;
  }
  if (ch === '/' && next === '*') {
    let depth = 0;
    let j = i;
    while (j < sql.length) {
      if (sql[j] === '/' && sql[j + 1] === '*') { depth += 1; j += 2; continue; }
      if (sql[j] === '*' && sql[j + 1] === '/') { depth -= 1; j += 2; if (depth === 0) return j; continue; }
      j += 1;
    }
    return sql.length;
  }
  if (ch === "'" || ch === '"') {
    // E'...' strings allow backslash escapes; doubled quotes escape in every form.
    const backslashEscapes = ch === "'" && /e/i.test(sql[i - 1] ?? '') && !/[a-z0-9_]/i.test(sql[i - 2] ?? '');
    let j = i + 1;
    while (j < sql.length) {
      if (backslashEscapes && sql[j] === '\\') { j += 2; continue; }
      if (sql[j] === ch) {
        if (sql[j + 1] === ch) { j += 2; continue; }
        return j + 1;
      }
      j += 1;
    }
    return sql.length;
  }
  if (ch === '$') {
    const tag = /^\$([a-z_][a-z0-9_]*)?\$/i.exec(sql.slice(i));
    if (tag && !/[a-z0-9_]/i.test(sql[i - 1] ?? '')) {
      const end = sql.indexOf(tag[0], i + tag[0].length);
      return end < 0 ? sql.length : end + tag[0].length;
    }
  }
  return i;
}
