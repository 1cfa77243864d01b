import { describeError, LeadEtlError } from '../../core/errors.js';
import { migrateStateStore } from '../../load/state/state-store.js';
import { openDatabases } from '../job-context.js';
import type { CliCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { configFrom } from './job-setup.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'create or update the state store schema (lead_etl)',
  json: true,
  define(command) {
    command.description(`Applies the state store's migrations this version of lead-etl has and the store lacks, in order, each
in its own transaction; a store already up to date is left as it is. Run it on install and after every
upgrade, before the daemon starts (docs/operations.md).`);
  },
  async run({ io, globals, out }) {
    const config = configFrom(globals, io);
    const databases = await openDatabases(config);
    try {
      const result = await migrateStateStore(databases.state.db);
      const results = (result.results ?? []).map((r) => ({ migration: r.migrationName, status: r.status }));
      for (const r of results) out.say(`${r.status === 'Success' ? 'applied' : r.status}  ${r.migration}`);
      if (result.error) {
        out.result({ stateStore: databases.state.label, results, upToDate: false, error: describeError(result.error) });
        throw new LeadEtlError('MIGRATION_FAILED', `migration failed: ${describeError(result.error)}`, { cause: result.error });
      }
      out.result({ stateStore: databases.state.label, results, upToDate: true });
      out.say(`state store ${databases.state.label} is up to date`);
      return EXIT.ok;
    } finally {
      await databases.close();
    }
  },
};
