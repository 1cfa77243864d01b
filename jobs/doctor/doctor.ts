import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { DEMO_MARKER } from '../demo-folder.js';
import type { Clock } from '../../core/clock.js';
import { describeError } from '../../core/errors.js';
import type { Database } from '../../core/database.js';
import type { Logger } from '../../core/log.js';
import type { SlackEndpoint, SlackProbe } from '../../load/slack-probe.js';
import { loadPipelineConfig, type PipelineConfig } from '../pipeline-config.js';
import { newestDueDate } from '../status/status-picture.js';
import { fail, pass, type CheckResult } from './check.js';
import { clockCheck, ledgerQueryChecks, openForCheck, skipped, stateSchemaCheck } from './database-checks.js';
import { archiveChecks, slackChecks } from './local-checks.js';
import { sftpChecks } from './sftp-checks.js';

/**
 * `lead-etl doctor`: checks a set-up before a first run, and after any change to it, without sending or
 * changing anything Lead sees (the only writes are temporary files, removed at once, in the archive
 * and in Lead's folders). Every check gives one result; the report is ok only when none failed.
 */
export interface DoctorReport {
  readonly ok: boolean;
  /** The config checked, or why none could be read. */
  readonly config: string;
  /** True when the config itself is wrong: nothing else could be checked (exit 2). */
  readonly configInvalid: boolean;
  readonly checks: readonly CheckResult[];
}

export interface DoctorOptions {
  readonly configFile?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly logger: Logger;
  /** What to say when no config is named (the CLI knows where a demo left one). */
  readonly noConfigHint?: string;
  /** The Slack client behind the token and channel checks (Slack's SDK, or the plain one by default). */
  readonly slackProbe?: (endpoint: SlackEndpoint) => SlackProbe;
}

/**
 * A demo's folder (it holds the demo's marker) is checked like any set-up; when Lead's side does not
 * answer there, the fix is the sandbox the demo ran, started again on the same folder and ports.
 */
function demoSandboxHint(config: PipelineConfig): string | undefined {
    const dir = dirname(config.source);
  if (!existsSync(join(dir, DEMO_MARKER)) || !config.sftp) return undefined;
  const httpPort = config.acknowledgements.slack ? new URL(config.acknowledgements.slack.baseUrl).port : undefined;
  return `this is a demo's folder, and Lead's side stopped with the demo: start it again with \`lead-etl sandbox --dir ${relative(process.cwd(), dir) || '.'} --program ${config.program.profile.name} --sftp-port ${config.sftp.port}${httpPort ? ` --http-port ${httpPort}` : ''} --quiet-seconds 0\` (or run \`lead-etl demo\` again)`;
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  let config: PipelineConfig;
  try {
    config = loadPipelineConfig({ ...(options.configFile ? { file: options.configFile } : {}), env: options.env });
  } catch (error) {
    const checks = [fail('config', 'config is valid', error, options.configFile
      ? `fix ${options.configFile} (docs/configuration.md)`
      : 'name your config with --config FILE or LEAD_ETL_CONFIG (a demo leaves DIR/lead-etl.json)')];
    return { ok: false, config: options.configFile ?? '(defaults)', configInvalid: true, checks };
  }
  const shown = options.configFile ? relative(process.cwd(), config.source) || config.source : `(${options.noConfigHint ?? 'no --config or LEAD_ETL_CONFIG: the built-in defaults'})`;
  const checks: CheckResult[] = [pass('config', 'config is valid', `${shown}: program ${config.program.name}, profile ${config.program.profile.name}, ${config.program.files.length} file type(s), Day 0 ${config.program.firstFileDate ?? 'not set'}`)];
  const fileDate = newestDueDate(options.clock.now(), config.program.timeZone, config.schedule.buildAfter);

  const opened: Database[] = [];
  try {
    const ledger = await openForCheck(config.ledger, 'ledger');
    checks.push(ledger.result);
    if (ledger.database) opened.push(ledger.database);
    if (ledger.database) checks.push(...(await ledgerQueryChecks(config, ledger.database, fileDate)));
    else checks.push(skipped('ledger.queries', 'the program\'s queries plan', 'the ledger did not answer'));

    const sameDatabase = config.state === config.ledger || JSON.stringify(config.state) === JSON.stringify(config.ledger);
    let state: { database?: Database; result: CheckResult };
    if (!sameDatabase) state = await openForCheck(config.state, 'state');
    else if (ledger.database) state = { database: ledger.database, result: pass('state.reachable', 'state store answers', `${ledger.database.label} (the ledger's database, schema lead_etl)`) };
    else state = { result: fail('state.reachable', 'state store answers', `it is the ledger's database, which did not answer: ${ledger.result.detail}`, ledger.result.fix) };
    if (!sameDatabase && state.database) opened.push(state.database);
    checks.push(state.result);
    if (state.database) {
      checks.push(await stateSchemaCheck(state.database));
      checks.push(await clockCheck(state.database, options.clock, 'state'));
    } else {
      checks.push(skipped('state.schema', 'state store is migrated to this version', 'the state store did not answer'));
      if (ledger.database) checks.push(await clockCheck(ledger.database, options.clock, 'ledger'));
      else checks.push(skipped('clock', "this machine's clock agrees with the database's", 'no database answered'));
    }
  } catch (error) {
    checks.push(fail('internal', 'doctor', describeError(error)));
  } finally {
    for (const database of opened) await database.close().catch(() => undefined);
  }

  checks.push(...(await archiveChecks(config)));
  const lead = demoSandboxHint(config);
  checks.push(...(await sftpChecks(config, options.logger, lead)));
  checks.push(...(await slackChecks(config, options.slackProbe, lead)));
  return { ok: checks.every((c) => c.status !== 'fail'), config: config.source, configInvalid: false, checks };
}
