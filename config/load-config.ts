import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { DatabaseTarget } from '../core/database.js';
import { LeadEtlError } from '../core/errors.js';
import type { Profile, ValueMapEntries } from './profile-schema.js';
import { describeIssues } from './describe-issues.js';
import { loadProfile } from './load-profile.js';
import { configSchema, type ConfigInput, type ParsedConfig } from './schema.js';

/**
 * Reads the config file, applies environment overrides, validates, and resolves what the rest of the
 * program needs: absolute paths, database targets and the secrets (from files or the environment only).
 *
 * Environment overrides name a key path with double underscores: LEAD_ETL__SFTP__HOST=sftp.lead.bank
 * sets sftp.host; values that parse as JSON (numbers, booleans, arrays) are taken as such.
 * Secrets: LEAD_ETL_SFTP_PRIVATE_KEY, LEAD_ETL_SFTP_PASSPHRASE, LEAD_ETL_LEDGER_URL,
 * LEAD_ETL_LEDGER_PASSWORD, LEAD_ETL_STATE_URL, LEAD_ETL_STATE_PASSWORD.
 */
export interface SftpConfig {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKey: string;
  readonly passphrase?: string;
  readonly hostKeyFingerprint: string;
  readonly remoteRoot: string;
  readonly connectTimeoutMs: number;
  readonly operationTimeoutMs: number;
  readonly closeTimeoutMs: number;
}

export interface Config {
  /** Where the configuration came from, for messages. */
  readonly source: string;
  readonly program: Omit<ParsedConfig['program'], 'profile' | 'name'> & {
    readonly name: string;
    readonly profile: Profile;
    readonly profilePath: string;
    readonly valueMapEntries: Readonly<Record<string, ValueMapEntries>>;
  };
  readonly ledger: DatabaseTarget;
  readonly state: DatabaseTarget;
  /** `dir` is absent only with an embedded (PGlite) ledger: the reference program's queries then serve. */
  readonly queries: { readonly dir?: string; readonly fetchSize: number };
  readonly archive: { readonly dir: string };
  readonly documents: { readonly dir?: string; readonly remoteFolder: string };
  readonly sftp?: SftpConfig;
  readonly format: ParsedConfig['format'];
  readonly upload: ParsedConfig['upload'];
  readonly log: ParsedConfig['log'];
  readonly schedule: ParsedConfig['schedule'];
  readonly workflows: ParsedConfig['workflows'];
  readonly deadlines: ParsedConfig['deadlines'];
  readonly daemon: ParsedConfig['daemon'];
  readonly acknowledgements: {
    readonly slack?: { readonly channel: string; readonly baseUrl: string; readonly token: string; readonly patterns?: readonly { outcome: 'validated' | 'rejected'; regex: string }[] };
  };
  /** The Slack incoming-webhook URL (a secret), when configured. */
  readonly notify: { readonly slackWebhookUrl?: string };
}

const OVERRIDE_PREFIX = 'LEAD_ETL__';

/** With an embedded ledger (the demo's world) and nothing named, the reference program's deposit program. */
export const DEMO_PROGRAM_NAME = 'demo-deposit';
export const DEMO_PROFILE = 'deposit';

export interface LoadConfigOptions {
  /** Path of a JSON config file. */
  readonly file?: string;
  /** A config given in code (the demo); used instead of a file. */
  readonly input?: ConfigInput;
  /** Folder relative paths are resolved against when there is no file. */
  readonly baseDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const source = options.file ? resolve(options.file) : options.input ? '(built in)' : '(defaults)';
  const baseDir = options.file ? dirname(resolve(options.file)) : resolve(options.baseDir ?? process.cwd());
  const raw = options.file ? readConfigFile(resolve(options.file)) : structuredClone(options.input ?? {});
  applyEnvOverrides(raw as Record<string, unknown>, env);

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new LeadEtlError('CONFIG_INVALID', `${source}: ${describeIssues(parsed.error, 'config')}`);
  }
  return resolveConfig(parsed.data, source, baseDir, env);
}

function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new LeadEtlError('CONFIG_UNREADABLE', `cannot read config file ${path}`, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new LeadEtlError('CONFIG_UNREADABLE', `config file ${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(OVERRIDE_PREFIX) || value === undefined) continue;
    const path = name.slice(OVERRIDE_PREFIX.length).split('__').map(camelCase);
    if (path.some((part) => part === '')) {
      throw new LeadEtlError('CONFIG_INVALID', `environment variable ${name} does not name a config key (use LEAD_ETL__SECTION__KEY)`);
    }
    let node = raw;
    for (const part of path.slice(0, -1)) {
      const child = node[part];
      node = (node[part] = child && typeof child === 'object' ? child : {}) as Record<string, unknown>;
    }
    node[path.at(-1)!] = parseEnvValue(value);
  }
}

const camelCase = (part: string) => part.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function parseEnvValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function resolveConfig(parsed: ParsedConfig, source: string, baseDir: string, env: NodeJS.ProcessEnv): Config {
  const path = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const ledger = databaseTarget('ledger', parsed.ledger, env, path);
  const state = parsed.state ? databaseTarget('state', parsed.state, env, path) : ledger;
  const { profile: profileRef, ...program } = parsed.program;
  if (ledger.driver === 'postgres') {
    // A partner's own ledger: nothing may fall back to the reference program's demo defaults.
    const missing = [
      ...(program.name === undefined ? ['program.name'] : []),
      ...(profileRef === undefined ? ['program.profile'] : []),
      ...(parsed.queries.dir === undefined ? ['queries.dir'] : []),
    ];
    if (missing.length > 0) {
      throw new LeadEtlError('CONFIG_INVALID', `${source}: config key ${missing.join(', ')} required when ledger.driver is postgres: name the program, its profile (deposit, credit, all or a profile file) and the folder of your queries (docs/partner-queries.md)`);
    }
  }
  const loaded = loadProfile(profileRef ?? DEMO_PROFILE, baseDir);
  return {
    source,
    program: { ...program, name: program.name ?? DEMO_PROGRAM_NAME, profile: loaded.profile, profilePath: loaded.path, valueMapEntries: loaded.valueMapEntries },
    ledger,
    state,
    queries: { ...(parsed.queries.dir !== undefined ? { dir: path(parsed.queries.dir) } : {}), fetchSize: parsed.queries.fetchSize },
    archive: { dir: path(parsed.archive.dir) },
    documents: { ...(parsed.documents.dir ? { dir: path(parsed.documents.dir) } : {}), remoteFolder: parsed.documents.remoteFolder },
    ...(parsed.sftp ? { sftp: sftpConfig(parsed.sftp, env, path) } : {}),
    format: parsed.format,
    upload: parsed.upload,
    log: parsed.log,
    schedule: parsed.schedule,
    workflows: parsed.workflows,
    deadlines: parsed.deadlines,
    daemon: parsed.daemon,
    notify: webhook(parsed.notify, env, path),
    acknowledgements: slackSource(parsed.acknowledgements, env, path),
  };
}

type DatabaseSection = NonNullable<ParsedConfig['state']>;

function databaseTarget(key: 'ledger' | 'state', section: DatabaseSection, env: NodeJS.ProcessEnv, path: (p: string) => string): DatabaseTarget {
  const upper = key.toUpperCase();
  if (section.driver === 'pglite') {
    return section.dataDir === 'memory://' ? { driver: 'pglite' } : { driver: 'pglite', dataDir: path(section.dataDir) };
  }
  const urlText = env[`LEAD_ETL_${upper}_URL`] ?? section.url;
  if (!urlText) {
    throw new LeadEtlError('CONFIG_INVALID', `config key ${key}.url is required when ${key}.driver is postgres (or set LEAD_ETL_${upper}_URL)`);
  }
  const url = new URL(urlText);
  const password = env[`LEAD_ETL_${upper}_PASSWORD`] ?? (section.passwordFile ? readSecretFile(`${key}.passwordFile`, path(section.passwordFile)) : undefined);
  if (password !== undefined) url.password = password;
  return { driver: 'postgres', url: url.toString(), poolSize: section.poolSize };
}

function sftpConfig(section: NonNullable<ParsedConfig['sftp']>, env: NodeJS.ProcessEnv, path: (p: string) => string): SftpConfig {
  const privateKey =
    env.LEAD_ETL_SFTP_PRIVATE_KEY ?? (section.privateKeyFile ? readSecretFile('sftp.privateKeyFile', path(section.privateKeyFile)) : undefined);
  if (!privateKey) {
    throw new LeadEtlError('SECRET_MISSING', 'no SFTP private key: set config key sftp.privateKeyFile or the environment variable LEAD_ETL_SFTP_PRIVATE_KEY');
  }
  const passphrase =
    env.LEAD_ETL_SFTP_PASSPHRASE ?? (section.passphraseFile ? readSecretFile('sftp.passphraseFile', path(section.passphraseFile)) : undefined);
  return {
    host: section.host,
    port: section.port,
    username: section.username,
    privateKey,
    ...(passphrase !== undefined ? { passphrase } : {}),
    hostKeyFingerprint: section.hostKeyFingerprint.replace(/^\d+\s+/, ''),
    remoteRoot: section.remoteRoot,
    connectTimeoutMs: section.connectTimeoutMs,
    operationTimeoutMs: section.operationTimeoutMs,
    closeTimeoutMs: section.closeTimeoutMs,
  };
}

function webhook(section: ParsedConfig['notify'], env: NodeJS.ProcessEnv, path: (p: string) => string): Config['notify'] {
  const url = env.LEAD_ETL_SLACK_WEBHOOK_URL ?? (section.slackWebhookUrlFile ? readSecretFile('notify.slackWebhookUrlFile', path(section.slackWebhookUrlFile)) : undefined);
  return url ? { slackWebhookUrl: url } : {};
}

function slackSource(section: ParsedConfig['acknowledgements'], env: NodeJS.ProcessEnv, path: (p: string) => string): Config['acknowledgements'] {
  if (!section.slack) return {};
  const token = env.LEAD_ETL_SLACK_BOT_TOKEN ?? (section.slack.tokenFile ? readSecretFile('acknowledgements.slack.tokenFile', path(section.slack.tokenFile)) : undefined);
  if (!token) {
    throw new LeadEtlError('SECRET_MISSING', 'no Slack bot token: set config key acknowledgements.slack.tokenFile or the environment variable LEAD_ETL_SLACK_BOT_TOKEN');
  }
  const { tokenFile: _file, ...rest } = section.slack;
  return { slack: { ...rest, token } };
}

function readSecretFile(key: string, file: string): string {
  if (!existsSync(file)) throw new LeadEtlError('SECRET_MISSING', `config key ${key}: file ${file} does not exist`);
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (cause) {
    throw new LeadEtlError('SECRET_MISSING', `config key ${key}: cannot read ${file}`, { cause });
  }
}
