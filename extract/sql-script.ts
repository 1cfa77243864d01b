import { skipNonCode } from './named-parameters.js';

/**
 * Splits a SQL script into its statements. PGlite runs one statement per query (the extended protocol
 * refuses several), so a script such as the reference ledger's schema is sent statement by statement.
 * Semicolons inside literals, quoted identifiers, comments and dollar-quoted bodies do not split.
 */
export function splitSqlScript(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  while (i < script.length) {
    const skipTo = skipNonCode(script, i);
    if (skipTo > i) {
      i = skipTo;
      continue;
    }
    if (script[i] === ';') {
      pushStatement(statements, script.slice(start, i));
      start = i + 1;
    }
    i += 1;
  }
  pushStatement(statements, script.slice(start));
  return statements;
}

function pushStatement(statements: string[], text: string): void {
  if (hasCode(text)) statements.push(text.trim());
}

/** True when the text holds more than whitespace and comments. */
function hasCode(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if ((ch === '-' && text[i + 1] === '-') || (ch === '/' && text[i + 1] === '*')) {
      i = skipNonCode(text, i);
      continue;
    }
    if (!/\s/.test(ch)) return true;
    i += 1;
  }
  return false;
}
