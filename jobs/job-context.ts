import type { PipelineConfig } from './pipeline-config.js';
import type { Clock } from '../core/clock.js';
import { openDatabase, type Database } from '../core/database.js';
import type { Logger } from '../core/log.js';

/**
 * What a job needs from the outside world, opened once per command. The SFTP side is a factory so that
 * nothing connects unless a file is actually due to go.
 */
export type { RemoteStore } from '../load/remote-store.js';
import type { RemoteStore } from '../load/remote-store.js';

/**
 * The named points of a run where a crash matters, in order. A fault harness may stop the process at any
 * of them (the fault suite SIGKILLs itself there); production passes no hooks.
 *   extract      mid-extract: a file of the date is written, the ledger snapshot still open
 *   archived     the date's files are archived and recorded, nothing uploaded yet
 *   mid-upload   bytes are going to the temporary name on the server
 *   renamed      the file is under its final name, the state store not yet told
 *   acknowledge  Lead's answer is being recorded, its transaction still open
 */
export type RunPhase = 'extract' | 'archived' | 'mid-upload' | 'renamed' | 'acknowledge';

export interface JobHooks {
  phase?(name: RunPhase, detail: { readonly fileDate: string; readonly file?: string }): void | Promise<void>;
}

export interface JobContext {
  readonly config: PipelineConfig;
  readonly ledger: Database;
  readonly state: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly connectRemote: () => Promise<RemoteStore>;
  /** Injected observers of the run's phases (the fault suite); absent in production. */
  readonly hooks?: JobHooks;
}

/** Opens the ledger and the state store; one embedded database serves both when they are the same. */
export async function openDatabases(config: Pick<PipelineConfig, 'ledger' | 'state'>): Promise<{ ledger: Database; state: Database; close(): Promise<void> }> {
  const same = config.state === config.ledger || JSON.stringify(config.state) === JSON.stringify(config.ledger);
  const ledger = await openDatabase(config.ledger, same ? 'ledger and state' : 'ledger');
  const state = same ? ledger : await openDatabase(config.state, 'state');
  return {
    ledger,
    state,
    async close() {
      await ledger.close();
      if (state !== ledger) await state.close();
    },
  };
}
