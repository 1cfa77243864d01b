import type { PipelineConfig } from './pipeline-config.js';
import type { Clock } from '../core/clock.js';
import { openDatabase, type Database } from '../core/database.js';
import type { Logger } from '../core/log.js';

/**
 * What a job needs from the outside world, opened once per command. The SFTP side is a factory so that
 * nothing connects unless a file is actually due to go.
 */
export type { RemoteStat, RemoteStore } from '../load/remote-store.js';
import type { RemoteStore } from '../load/remote-store.js';

export interface JobContext {
  readonly config: PipelineConfig;
  readonly ledger: Database;
  readonly state: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly connectRemote: () => Promise<RemoteStore>;
}

/** Opens the ledger and the state store; one embedded database serves both when they are the same. */
export async function openDatabases(config: Pick<PipelineConfig, 'ledger' | 'state'>): Promise<{ ledger: Database; state: Database; close(): Promise<void> }> {
  const ledger = await openDatabase(config.ledger);
  const same = config.state === config.ledger || JSON.stringify(config.state) === JSON.stringify(config.ledger);
  const state = same ? ledger : await openDatabase(config.state);
  return {
    ledger,
    state,
    async close() {
      await ledger.close();
      if (state !== ledger) await state.close();
    },
  };
}
