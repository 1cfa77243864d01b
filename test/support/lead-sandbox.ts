import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { loadProfile } from '../../config/load-profile.js';
import { programFilesOf } from '../../transform/program-file-types.js';
import { fixedClock } from '../../core/clock.js';
import type { FileDate } from '../../core/file-date.js';
import { silentLogger } from '../../core/log.js';
import type { ChannelEndpoint } from '../../load/slack-channel-history.js';
import { openSftpSession, type SftpSession } from '../../load/sftp-session.js';
import { generateKeyPair } from '../../core/ssh-keys.js';
import { startLeadSandbox, type LeadSandbox, type LeadSandboxOptions } from '../../sandbox/lead-sandbox.js';
import { createBuiltInValidator } from '../../sandbox/set-validator.js';
import type { FileTypeSpec } from '../../transform/file-type-spec.js';
import type { ProgramFileType } from '../../transform/program-file-types.js';

/**
 * The Lead sandbox for a test: its own temp folder, a fixed clock the test moves, a partner key, and a
 * partner that uploads over real SFTP the way lead-etl does (temporary name, then rename).
 */
export interface SandboxFixture {
  readonly sandbox: LeadSandbox;
  readonly dir: string;
  readonly clock: ReturnType<typeof fixedClock>;
  readonly clientKey: { privateKey: string; publicKey: string };
  readonly endpoint: ChannelEndpoint;
  /** Uploads `text` as `/<folder>/<name>`. */
  upload(folder: string, name: string, text: string): Promise<void>;
  session(): Promise<SftpSession>;
  dispose(): Promise<void>;
}

export type SandboxFixtureOptions = Partial<Omit<LeadSandboxOptions, 'dir' | 'clock' | 'authorizedPublicKeys'>> & {
  readonly dir?: string;
  /** Lead's full checks (the sandbox's default) instead of the minimal ones. */
  readonly leadChecks?: boolean;
};

export function depositFiles(): ProgramFileType[] {
  return programFilesOf(loadProfile('deposit', process.cwd()), ['accounts', 'balances', 'transactions', 'non_posted_transactions']);
}

export async function startSandboxFixture(options: SandboxFixtureOptions = {}): Promise<SandboxFixture> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'lead-etl-sandbox-')));
  const clock = fixedClock('2026-03-06T12:00:00Z');
  const clientKey = generateKeyPair();
  const { leadChecks, ...sandboxOptions } = options;
  const files = options.files ?? depositFiles();
  // Files a test makes by hand (leadCsv) are only as consistent as the minimal checks need; a test of
  // Lead's full checks (the sandbox's default validator) asks for them and brings consistent files.
  const validator = leadChecks ? {} : { validator: createBuiltInValidator(files.map((t) => t.spec)) };
  const sandbox = await startLeadSandbox({
    files, quietSeconds: 0, logger: silentLogger(), ...validator, ...sandboxOptions,
    dir, clock, authorizedPublicKeys: [clientKey.publicKey],
  });
  const sessions: SftpSession[] = [];
  const session = async () => {
    const opened = await openSftpSession({
      host: sandbox.sftp.host, port: sandbox.sftp.port, username: sandbox.sftp.username, privateKey: clientKey.privateKey,
      hostKeyFingerprint: sandbox.sftp.hostKeyFingerprint, connectTimeoutMs: 10_000, operationTimeoutMs: 10_000, closeTimeoutMs: 2_000,
    }, silentLogger());
    sessions.push(opened);
    return opened;
  };
  let uploads = 0;
  return {
    sandbox, dir, clock, clientKey,
    endpoint: { url: sandbox.channel.url, token: sandbox.channel.token, channel: sandbox.channel.id },
    session,
    async upload(folder, name, text) {
      const local = join(dir, `upload-${(uploads += 1)}`);
      await writeFile(local, text);
      const remote = await session();
      try {
        await remote.putAtomically({ localPath: local, remoteDir: `/${folder}`, remoteName: name, expectedBytes: Buffer.byteLength(text) });
      } finally {
        await remote.close();
      }
    },
    async dispose() {
      await Promise.allSettled(sessions.map((s) => s.close()));
      await sandbox.close();
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A value of the column's type that Lead's minimal checks accept. */
function sampleValue(spec: FileTypeSpec, column: FileTypeSpec['columns'][number], row: number, fileDate: FileDate): string {
  if (column.name === spec.recordIdColumn) return `${spec.id}-${row}`;
  const t = column.type;
  switch (t.kind) {
    case 'enum': return t.values[0]!;
    case 'money': return `${100 + row}.00`;
    case 'currency': return 'USD';
    case 'date': return fileDate;
    case 'timestamp': return `${fileDate}T00:00:00-06:00`;
    case 'array': return '["cus_1"]';
    case 'integer': return '1';
    case 'boolean': return 'true';
    case 'documents': return '';
    default: return `${column.name}-${row}`;
  }
}

/** A pipe-delimited Lead file for `spec` with `rows` records; `override` changes values by column. */
export function leadCsv(spec: FileTypeSpec, fileDate: FileDate, rows: number, override: (row: number) => Record<string, string> = () => ({})): string {
  const header = spec.columns.map((c) => c.name);
  const lines = [header];
  for (let row = 1; row <= rows; row += 1) {
    const values = { ...Object.fromEntries(spec.columns.map((c) => [c.name, c.required ? sampleValue(spec, c, row, fileDate) : ''])), ...override(row) };
    lines.push(header.map((name) => values[name] ?? ''));
  }
  // Quoted where a value needs it (a JSON array holds quotes), as lead-etl writes files.
  return stringify(lines, { delimiter: '|', record_delimiter: 'unix' });
}

/** Uploads V`version` of every file type the sandbox's program sends for `fileDate`, `rows` records each. */
export async function uploadDay(f: SandboxFixture, fileDate: FileDate, options: { rows?: number; version?: number; only?: readonly string[] } = {}): Promise<string[]> {
  const names: string[] = [];
  for (const spec of f.sandbox.layout.partnerTypes) {
    if (options.only && !options.only.includes(spec.id)) continue;
    const name = `${fileDate}_${spec.token}_V${options.version ?? 1}.csv`;
    await f.upload(spec.folder, name, leadCsv(spec, fileDate, options.rows ?? 2));
    names.push(name);
  }
  return names;
}
