import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LeadEtlError } from '../../core/errors.js';
import { DEMO_CONFIG_FILE } from '../demo-folder.js';
import { createLogger, type Logger } from '../../core/log.js';
import { openSftpSession } from '../../load/sftp-session.js';
import { assertStateStoreReady } from '../../load/state/state-store.js';
import type { CliIo } from '../cli-io.js';
import { openDatabases, type JobContext } from '../job-context.js';
import { loadPipelineConfig, type PipelineConfig } from '../pipeline-config.js';
import type { GlobalOptions } from './options.js';

/**
 * What most commands do before their job: read the config named by `--config` (else LEAD_ETL_CONFIG,
 * else the embedded defaults), open the databases, refuse a state store that is not migrated, and build
 * the JobContext; the databases are closed whatever happens.
 */
export function configFile(globals: Pick<GlobalOptions, 'config'>, io: CliIo): string | undefined {
  return globals.config ?? io.env.LEAD_ETL_CONFIG;
}

/**
 * With no config named, what to say about it: the built-in defaults are an embedded program in ./var,
 * and a demo run here with its default folder left a config that is probably what was meant.
 */
export function noConfigHint(cwd: string = process.cwd()): string {
  const demo = join(cwd, 'var', 'demo', DEMO_CONFIG_FILE);
  return existsSync(demo)
    ? `no --config or LEAD_ETL_CONFIG, so the built-in defaults; the demo here left ${relative(cwd, demo)}: export LEAD_ETL_CONFIG=${demo}`
    : 'no --config or LEAD_ETL_CONFIG, so the built-in defaults (an embedded program under ./var); a demo leaves DIR/lead-etl.json';
}

/** Refuses to read an embedded state store that is not there, rather than create an empty one to look at. */
export function assertStateStoreExists(config: PipelineConfig, named: boolean): void {
  const state = config.state;
  if (state.driver === 'pglite' && state.dataDir && !existsSync(state.dataDir)) {
    throw new LeadEtlError('CONFIG_INVALID', `the embedded state store ${state.dataDir} does not exist` +
      (named ? `: check ledger.dataDir / state.dataDir in ${config.source}, or run \`lead-etl migrate\` to create it` : `; ${noConfigHint()}`));
  }
}

export function configFrom(globals: Pick<GlobalOptions, 'config' | 'logLevel'>, io: CliIo): PipelineConfig {
  const file = configFile(globals, io);
  const config = loadPipelineConfig({ ...(file ? { file } : {}), env: io.env });
  return globals.logLevel ? { ...config, log: { level: globals.logLevel as PipelineConfig['log']['level'] } } : config;
}

export function loggerFor(config: Pick<PipelineConfig, 'log'>, io: CliIo): Logger {
  return io.logger ?? createLogger({ level: config.log.level });
}

export async function withContext<T>(config: PipelineConfig, io: CliIo, fn: (ctx: JobContext) => Promise<T>): Promise<T> {
  const logger = loggerFor(config, io);
  if (config.queries.reference) {
    logger.warn({ queriesDir: config.queries.dir, program: config.program.name }, 'queries.dir is not set: the embedded ledger is read with the reference program\'s queries (set queries.dir for your own)');
  }
  const databases = await openDatabases(config);
  try {
    await assertStateStoreReady(databases.state.db, databases.state.label);
    const ctx: JobContext = {
      config, ledger: databases.ledger, state: databases.state, clock: io.clock, logger,
      connectRemote: async () => {
        if (!config.sftp) throw new LeadEtlError('CONFIG_INVALID', `config key sftp is missing in ${config.source}: nothing can be uploaded`);
        return openSftpSession(config.sftp, logger);
      },
    };
    return await fn(ctx);
  } finally {
    await databases.close();
  }
}
