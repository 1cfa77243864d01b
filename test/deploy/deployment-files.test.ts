import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../config/load-config.js';
import { configSchema } from '../../config/schema.js';
import { isLeadEtlError } from '../../core/errors.js';
import { packagePath } from '../../core/package-root.js';

/**
 * The deployment files (Dockerfile, deploy/compose.yaml, deploy/config.json, deploy/lead-etl.service)
 * read as the tools that run them would, and held against the code: the secrets they mount are exactly
 * the files the config loader reads, the bin they start is the package's, the ports and paths agree.
 * No Docker engine runs here, so the image itself is not built by this suite (docs/deployment.md).
 */
const read = (...parts: string[]) => readFileSync(packagePath(...parts), 'utf8');
const pkg = JSON.parse(read('package.json')) as { name: string; version: string; bin: Record<string, string>; files: string[] };
const [binName, binPath] = Object.entries(pkg.bin)[0]!;
const deployConfig = JSON.parse(read('deploy', 'config.json')) as Record<string, unknown>;
const defaults = configSchema.parse({});
const A_FINGERPRINT = 'SHA256:eeoPix8Zb+KwnYmnI1gwsdio89CsGpPfVAlEB80J5gs';

/** Dockerfile instructions, continuation lines joined and comments dropped, with the stage each is in. */
function dockerInstructions(text: string): { stage: number; op: string; args: string }[] {
  const joined = text.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n').replace(/\\\n/g, ' ');
  let stage = -1;
  return joined.split('\n').map((line) => line.trim()).filter(Boolean).map((line) => {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (op.toUpperCase() === 'FROM') stage += 1;
    return { stage, op: op.toUpperCase(), args: args.replace(/\s+/g, ' ') };
  });
}

/** `.dockerignore` as Docker reads it here: the last pattern that matches a path decides, `!` re-includes. */
function ignoredByDocker(patterns: readonly string[], path: string): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = negate ? raw.slice(1) : raw;
    const matches = pattern.startsWith('*.') ? path.endsWith(pattern.slice(1)) : path === pattern || path.startsWith(`${pattern}/`);
    if (matches) ignored = !negate;
  }
  return ignored;
}

/** Every `/run/secrets/<name>` in the config, by the key that holds it. */
function secretKeys(node: unknown, path: string[] = []): Map<string, string> {
  const found = new Map<string, string>();
  if (typeof node === 'string') {
    const name = /^\/run\/secrets\/([a-z_]+)$/.exec(node)?.[1];
    if (name) found.set(path.join('.'), name);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) for (const [k, v] of secretKeys(value, [...path, key])) found.set(k, v);
  }
  return found;
}

/** What the loader made of each secret, by the config key that names its file. */
function secretValues(config: Config): Record<string, string | undefined> {
  return {
    'sftp.privateKeyFile': config.sftp?.privateKey,
    'ledger.passwordFile': config.ledger.driver === 'postgres' ? decodeURIComponent(new URL(config.ledger.url).password) : undefined,
    'state.passwordFile': config.state.driver === 'postgres' ? decodeURIComponent(new URL(config.state.url).password) : undefined,
    'acknowledgements.slack.tokenFile': config.acknowledgements.slack?.token,
    'notify.slackWebhookUrlFile': config.notify.slackWebhookUrl,
  };
}

/** The config keys whose files config/load-config.ts reads as secrets, from its readSecretFile calls. */
function loaderSecretKeys(): string[] {
  const source = read('config', 'load-config.ts');
  const literal = [...source.matchAll(/readSecretFile\('([\w.]+)'/g)].map((m) => m[1]!);
  // The databases' read as readSecretFile(`${key}.passwordFile`, ...) for key ledger and state.
  const perDatabase = [...source.matchAll(/readSecretFile\(`\$\{key\}\.(\w+)`/g)].flatMap((m) => ['ledger', 'state'].map((key) => `${key}.${m[1]}`));
  const keys = [...literal, ...perDatabase];
  expect(keys.length).toBeGreaterThanOrEqual(5);
  return keys;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lead-etl-deploy-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** deploy/config.json with its secret paths moved into the test's folder, each file holding its own value. */
async function configWithSecretsIn(folder: string, rewrite: (config: Record<string, unknown>) => unknown = (c) => c): Promise<string> {
  const text = JSON.stringify(rewrite(structuredClone(deployConfig)))
    .replaceAll('/run/secrets/', `${folder}/`)
    .replace(/SHA256:REPLACE[^"]*/, A_FINGERPRINT);
  for (const name of secretKeys(deployConfig).values()) await writeFile(join(folder, name), `value of ${name}\n`);
  const file = join(folder, 'config.json');
  await writeFile(file, text);
  return file;
}

describe('the Dockerfile', () => {
  const steps = dockerInstructions(read('Dockerfile'));
  const last = Math.max(...steps.map((s) => s.stage));
  const final = steps.filter((s) => s.stage === last);

  it('builds on Node 22 slim in stages and runs the package bin as a user of its own', () => {
    expect(read('Dockerfile')).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    expect(steps.filter((s) => s.op === 'FROM').map((s) => s.args)).toEqual(['${NODE_IMAGE} AS build', '${NODE_IMAGE} AS runtime']);
    const build = steps.filter((s) => s.stage === 0).map((s) => s.args).join('\n');
    const order = ['npm ci', 'npm run build', 'npm pack', 'npm prune --omit=dev'].map((step) => build.indexOf(step));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    const user = final.find((s) => s.op === 'USER')!;
    expect(user.args.split(':')[0]).not.toMatch(/^(root|0)$/);
    expect(final.some((s) => s.op === 'RUN' && s.args.includes(`useradd --system --uid 10001 --gid lead-etl`))).toBe(true);
    expect(final.findIndex((s) => s.op === 'USER')).toBeLessThan(final.findIndex((s) => s.op === 'ENTRYPOINT'));
    expect(JSON.parse(final.find((s) => s.op === 'ENTRYPOINT')!.args)).toEqual([binName]);
    expect(JSON.parse(final.find((s) => s.op === 'CMD')!.args)).toEqual(['daemon']);
    // The bin on PATH is the package's own.
    expect(final.some((s) => s.op === 'RUN' && s.args.includes(`ln -s /opt/lead-etl/${binPath} /usr/local/bin/${binName}`))).toBe(true);
    expect(steps.filter((s) => s.stage === 0).some((s) => s.args.includes(`chmod 0755 /opt/lead-etl/${binPath}`))).toBe(true);
  });

  it('checks /healthz on the port the daemon listens on by default, the one it exposes', () => {
    const health = final.find((s) => s.op === 'HEALTHCHECK')!.args;
    expect(health).toContain('/healthz');
    expect(health).toContain(`|| ${defaults.daemon.httpPort}) + '/healthz'`);
    expect(final.find((s) => s.op === 'EXPOSE')!.args).toBe(String(defaults.daemon.httpPort));
    expect(final.find((s) => s.op === 'ENV')!.args).toContain('LEAD_ETL_CONFIG=/etc/lead-etl/config.json');
  });

  it('keeps out of the build what must not be in it, and nothing the build or the package needs', () => {
    const patterns = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const path of ['node_modules', '.git', 'dist', 'var', 'deploy/secrets/sftp_private_key', 'test/jobs/daemon.test.ts']) {
      expect(ignoredByDocker(patterns, path), path).toBe(true);
    }
    const tsconfig = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    // dist is what the build makes; everything else the package holds must come from the context.
    const packaged = pkg.files.map((f) => f.replace(/\/\*.*$/, '')).filter((f) => f !== 'dist');
    const needed = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', ...tsconfig.include, ...packaged];
    for (const path of needed) {
      expect(existsSync(packagePath(path)), `${path} exists`).toBe(true);
      expect(ignoredByDocker(patterns, path), `${path} reaches the build`).toBe(false);
    }
  });
});

describe('the compose file', () => {
  const compose = parseYaml(read('deploy', 'compose.yaml'), { merge: true }) as {
    services: Record<string, Record<string, any>>;
    secrets: Record<string, { file: string }>;
    configs: Record<string, { file: string }>;
  };
  const { postgres, migrate, daemon } = compose.services as Record<string, Record<string, any>>;
  const mounted = (service: Record<string, any>) => (service.secrets as string[]).slice().sort();

  it('runs two daemon replicas of this version after the migration, after PostgreSQL is up', () => {
    expect(daemon!.deploy.replicas).toBe(2);
    expect(daemon!.command).toEqual(['daemon']);
    expect(migrate!.command).toEqual(['migrate']);
    expect(daemon!.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });
    expect(migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const service of [daemon!, migrate!]) {
      expect(service.image).toBe(`${pkg.name}:${pkg.version}`);
      expect(service.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
      expect(existsSync(join(packagePath('deploy'), service.build.context, service.build.dockerfile))).toBe(true);
    }
  });

  it('mounts exactly the secrets the config names, each as a file, and the loader reads every one', async () => {
    const named = secretKeys(deployConfig);
    expect(mounted(daemon!)).toEqual([...new Set(named.values())].sort());
    expect(mounted(migrate!)).toEqual(mounted(daemon!));
    for (const name of mounted(daemon!)) expect(compose.secrets[name]!.file).toBe(`./secrets/${name}`);
    // Every secret file the loader reads (its readSecretFile calls) is one the example names; the SSH
    // key's passphrase alone is left out, the key Lead gets being one without.
    expect([...named.keys()].sort()).toEqual(loaderSecretKeys().filter((k) => k !== 'sftp.passphraseFile').sort());

    const folder = await mkdtemp(join(dir, 'compose-'));
    const loaded = loadConfig({ file: await configWithSecretsIn(folder), env: {} });
    const values = secretValues(loaded);
    for (const [key, name] of named) expect(values[key], key).toBe(`value of ${name}`);
  });

  it('agrees with the config on paths, the state store and the port', () => {
    const config = deployConfig as { state: { url: string; passwordFile: string }; archive: { dir: string }; queries: { dir: string }; daemon: { httpHost: string; httpPort: number } };
    const volumes = daemon!.volumes as string[];
    expect(volumes.map((v) => v.split(':')[1])).toEqual(expect.arrayContaining([config.archive.dir, config.queries.dir]));
    expect(daemon!.environment.LEAD_ETL_CONFIG).toBe(daemon!.configs[0].target);
    expect(compose.configs[daemon!.configs[0].source]!.file).toBe('./config.json');
    // The state store the config names is the compose service, with its user, database and password.
    const state = new URL(config.state.url);
    expect(state.hostname).toBe('postgres');
    expect(postgres!.environment).toMatchObject({ POSTGRES_USER: state.username, POSTGRES_DB: state.pathname.slice(1), POSTGRES_PASSWORD_FILE: config.state.passwordFile });
    expect(postgres!.secrets).toEqual([basename(config.state.passwordFile)]);
    // Reachable from the compose network on the port it exposes.
    expect(config.daemon.httpHost).toBe('0.0.0.0');
    expect(daemon!.expose).toEqual([String(config.daemon.httpPort)]);
  });

  it('has a config that refuses to start until Lead\'s host key fingerprint is filled in', async () => {
    const folder = await mkdtemp(join(dir, 'placeholder-'));
    await configWithSecretsIn(folder);
    const file = join(folder, 'as-shipped.json');
    await writeFile(file, JSON.stringify(deployConfig).replaceAll('/run/secrets/', `${folder}/`));
    const error = (() => { try { loadConfig({ file, env: {} }); } catch (e) { return e; } return undefined; })();
    expect(isLeadEtlError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('sftp.hostKeyFingerprint');
  });
});

describe('the systemd unit', () => {
  const text = read('deploy', 'lead-etl.service');
  const entries = (commented: boolean) => text.split('\n')
    .map((line) => (commented ? /^#([A-Z][A-Za-z]+)=(.*)$/ : /^([A-Z][A-Za-z]+)=(.*)$/).exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, key, value]) => ({ key: key!, value: value! }));
  const active = entries(false);
  const all = [...active, ...entries(true)];
  const values = (key: string, from = active) => from.filter((e) => e.key === key).map((e) => e.value);

  it("starts the package's bin as the daemon, hardened, restarted on failure, without a watchdog it does not feed", () => {
    const [command, ...args] = values('ExecStart')[0]!.split(' ');
    expect(basename(command!)).toBe(binName);
    expect(args).toEqual(['daemon']);
    expect(values('ExecStartPre')).toEqual([`${command} migrate`]);
    expect(values('Environment')).toContain('LEAD_ETL_CONFIG=/etc/lead-etl/config.json');
    const user = values('User')[0];
    expect(user === undefined ? values('DynamicUser') : [user]).not.toContain('root');
    for (const [key, value] of [['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['PrivateTmp', 'yes'], ['ProtectHome', 'yes'], ['Restart', 'on-failure']]) {
      expect(values(key!), key).toEqual([value]);
    }
    expect(values('ReadWritePaths')).toEqual([(deployConfig as { archive: { dir: string } }).archive.dir]);
    // The daemon does not call sd_notify, so a WatchdogSec would kill a healthy process.
    expect(values('WatchdogSec')).toEqual([]);
    expect(values('Type')).toEqual(['simple']);
  });

  it('hands every credential to the config key that reads it, through the environment overrides', async () => {
    const credentials = values('LoadCredential', all).map((v) => v.split(':')[0]!);
    const overrides = values('Environment', all).filter((v) => v.startsWith('LEAD_ETL__')).map((v) => v.split('='));
    expect(overrides.map(([, path]) => path!.replace(/^%d\//, '')).sort()).toEqual([...credentials].sort());
    expect(overrides.every(([, path]) => path!.startsWith('%d/'))).toBe(true);

    // Each override, with %d the credentials folder, makes the loader read that credential for its key.
    const folder = await mkdtemp(join(dir, 'credentials-'));
    for (const name of credentials) await writeFile(join(folder, name), `value of ${name}\n`);
    const config = join(folder, 'config.json');
    await writeFile(config, JSON.stringify(deployConfig).replace(/SHA256:REPLACE[^"]*/, A_FINGERPRINT));
    const env = Object.fromEntries(overrides.map(([name, path]) => [name!, path!.replace('%d', folder)]));
    const loaded = secretValues(loadConfig({ file: config, env }));
    const keyOf: Record<string, string> = {
      LEAD_ETL__SFTP__PRIVATE_KEY_FILE: 'sftp.privateKeyFile', LEAD_ETL__LEDGER__PASSWORD_FILE: 'ledger.passwordFile', LEAD_ETL__STATE__PASSWORD_FILE: 'state.passwordFile',
      LEAD_ETL__ACKNOWLEDGEMENTS__SLACK__TOKEN_FILE: 'acknowledgements.slack.tokenFile', LEAD_ETL__NOTIFY__SLACK_WEBHOOK_URL_FILE: 'notify.slackWebhookUrlFile',
    };
    for (const [name, path] of overrides) expect(loaded[keyOf[name!]!], name).toBe(`value of ${path!.replace(/^%d\//, '')}`);
  });

  it.skipIf(!existsSync('/usr/bin/systemd-analyze'))('passes systemd-analyze verify, and its security review rates it well', async () => {
    // verify also checks that ExecStart's program exists; here it is a stand-in, the package being not installed.
    const folder = await mkdtemp(join(dir, 'unit-'));
    const stub = join(folder, binName);
    await writeFile(stub, '#!/bin/sh\nexit 0\n');
    await chmod(stub, 0o755);
    const unit = join(folder, 'lead-etl.service');
    await writeFile(unit, text.replace(/^(ExecStart(?:Pre)?)=\S+/gm, `$1=${stub}`));
    const verify = spawnSync('systemd-analyze', ['verify', '--man=no', unit], { encoding: 'utf8', timeout: 30_000 });
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stderr.trim(), 'no warnings (an unknown or misspelt key is only a warning)').toBe('');
    const security = spawnSync('systemd-analyze', ['security', '--offline=yes', unit], { encoding: 'utf8', timeout: 30_000 });
    const exposure = Number(/Overall exposure level for lead-etl\.service: ([\d.]+)/.exec(security.stdout)?.[1]);
    expect(exposure, security.stdout.slice(-400)).toBeLessThan(2.5);
  });
});
