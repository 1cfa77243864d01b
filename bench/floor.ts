import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { windowParameters } from '../extract/partner-query.js';
import { skipNonCode } from '../extract/named-parameters.js';
import type { ActivityWindow } from '../core/file-date.js';

/**
 * The floor a date's run is measured against: what the machine takes to move the same rows with no
 * pipeline at all. psql's `\copy (query) to file` of each of the date's queries, with the same window
 * parameters, in one REPEATABLE READ snapshot as lead-etl reads them; then OpenSSH's `sftp` putting the
 * files on the same server. Both are the tools' own fastest paths.
 */
export interface FloorResult {
  readonly copySeconds: number;
  readonly putSeconds: number;
  readonly seconds: number;
  /** Data lines per file type, header not counted. */
  readonly rows: ReadonlyMap<string, number>;
  readonly bytes: number;
}

export interface FloorTarget {
  readonly databaseUrl: string;
  readonly queriesDir: string;
  readonly fileTypes: readonly { readonly id: string; readonly queryFile: string }[];
  readonly window: ActivityWindow;
  readonly outDir: string;
  /** Puts the files into a folder of the server; resolves when OpenSSH's sftp exits 0. */
  readonly put: (files: readonly string[]) => Promise<void>;
}

/**
 * `\copy` takes its query on one line, and psql does not interpolate variables inside it: comments go,
 * newlines become spaces, and each `:name` becomes its quoted value (string literals and `::` casts stay).
 */
export function oneLineQuery(sql: string, values: Readonly<Record<string, string>>): string {
  let out = '';
  let i = 0;
  const text = sql.trim().replace(/;\s*$/, '');
  while (i < text.length) {
    const skipTo = skipNonCode(text, i);
    if (skipTo > i) {
      out += text.startsWith('--', i) || text.startsWith('/*', i) ? ' ' : text.slice(i, skipTo);
      i = skipTo;
      continue;
    }
    if (text.startsWith('::', i)) {
      out += '::';
      i += 2;
      continue;
    }
    const name = text[i] === ':' ? /^[a-z_][a-z0-9_]*/i.exec(text.slice(i + 1))?.[0] : undefined;
    if (name) {
      const value = values[name];
      if (value === undefined) throw new Error(`the floor cannot run a query with :${name}`);
      out += `'${value.replaceAll("'", "''")}'`;
      i += 1 + name.length;
      continue;
    }
    out += /\s/.test(text[i]!) ? ' ' : text[i];
    i += 1;
  }
  return out.replace(/\s+/g, ' ').trim();
}

export async function measureFloor(target: FloorTarget): Promise<FloorResult> {
  const values = windowParameters(target.window);
  const files: string[] = [];
  const script = ['\\set ON_ERROR_STOP on', 'begin isolation level repeatable read read only;'];
  for (const type of target.fileTypes) {
    const file = join(target.outDir, `${target.window.fileDate}_${type.id}.csv`);
    files.push(file);
    const sql = oneLineQuery(await readFile(join(target.queriesDir, type.queryFile), 'utf8'), values);
    script.push(`\\copy (${sql}) to '${file}' with (format csv, delimiter '|', header)`);
  }
  script.push('commit;');
  const scriptFile = join(target.outDir, 'floor.psql');
  await writeFile(scriptFile, `${script.join('\n')}\n`);

  const copyStarted = performance.now();
  await run('psql', ['-X', '-q', '-d', target.databaseUrl, '-f', scriptFile]);
  const copySeconds = (performance.now() - copyStarted) / 1000;
  const putStarted = performance.now();
  await target.put(files);
  const putSeconds = (performance.now() - putStarted) / 1000;

  const rows = new Map<string, number>();
  let bytes = 0;
  for (const [index, type] of target.fileTypes.entries()) {
    const text = await readFile(files[index]!);
    bytes += text.length;
    // Lines of the CSV that start a record; quoted newlines would need a parser, and these files have none.
    rows.set(type.id, Math.max(0, countLines(text) - 1));
  }
  return { copySeconds, putSeconds, seconds: copySeconds + putSeconds, rows, bytes };
}

export function countLines(text: Buffer): number {
  let lines = 0;
  for (let at = text.indexOf(0x0a); at !== -1; at = text.indexOf(0x0a, at + 1)) lines += 1;
  return lines;
}

export function run(command: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} exited ${code}: ${stderr.trim().split('\n').slice(-5).join(' / ')}`))));
    child.stdin.end(input ?? '');
  });
}
