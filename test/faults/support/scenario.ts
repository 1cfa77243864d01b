import { parseFileDate, type FileDate } from '../../../core/file-date.js';
import { acknowledgeDate } from '../../../jobs/acknowledge-date.js';
import { runFileDate } from '../../../jobs/run-file-date.js';
import { filesForDate } from '../../../load/state/state-store.js';
import { startOpensshServer, type OpensshOptions, type OpensshServer } from '../../support/openssh-server.js';
import { afterAll, beforeAll } from 'vitest';
import { cloneDatabase, createTemplates, openRig, rigSpec, scratchDir, snapshot, type RigSpec, type Snapshot, type Templates } from './fault-rig.js';

/** One scenario's parts, all its own: ledger and state clones, an sshd, an archive, Lead's processed area. */
export interface ScenarioParts {
  readonly spec: RigSpec;
  server: OpensshServer;
  readonly processedDir: string;
  readonly ledgerName: string;
  readonly stateName: string;
  /** Restarts the sshd on the same folder and keys (a new port), and points the spec at it. */
  restartServer(options?: OpensshOptions): Promise<RigSpec>;
}

export async function withScenario(templates: Templates, fn: (parts: ScenarioParts) => Promise<void>, serverOptions: OpensshOptions = {}): Promise<Snapshot> {
  const ledger = await cloneDatabase(templates.ledger, 'ledger');
  const state = await cloneDatabase(templates.state, 'state');
  const archive = await scratchDir('archive');
  const processed = await scratchDir('processed');
  const serverDir = await scratchDir('sshd');
  let server = await startOpensshServer({ ...serverOptions, dir: serverDir.path });
  let spec = rigSpec({ ledgerUrl: ledger.url, stateUrl: state.url, archiveDir: archive.path, server });
  const parts: ScenarioParts = {
    get spec() {
      return spec;
    },
    get server() {
      return server;
    },
    set server(next) {
      server = next;
    },
    processedDir: processed.path,
    ledgerName: ledger.name,
    stateName: state.name,
    async restartServer(options = {}) {
      await server.stop();
      server = await startOpensshServer({ ...options, dir: serverDir.path });
      spec = rigSpec({ ledgerUrl: ledger.url, stateUrl: state.url, archiveDir: archive.path, server });
      return spec;
    },
  };
  try {
    await fn(parts);
    const rig = await openRig(spec);
    try {
      return await snapshot(rig.state, server.rootDir, processed.path, archive.path);
    } finally {
      await rig.close();
    }
  } finally {
    await server.dispose();
    await Promise.all([ledger.dispose(), state.dispose(), archive.dispose(), processed.dispose(), serverDir.dispose()]);
  }
}

export const day = (n: number): FileDate => parseFileDate(['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10'][n]!);

/**
 * The operator's way back after anything: run each date in order and record Lead's validation of what
 * was uploaded. The same steps make the clean run every scenario is compared with.
 */
export async function sendInOrder(spec: RigSpec, dates: readonly FileDate[]): Promise<void> {
  const rig = await openRig(spec);
  try {
    for (const date of dates) {
      const result = await runFileDate(rig.ctx, date);
      if (result.outcome === 'failed') throw new Error(`${date}: ${result.message} ${JSON.stringify(result.problems.slice(0, 3))}`);
      if ((await filesForDate(rig.state.db, date)).some((f) => f.status === 'uploaded')) {
        await acknowledgeDate(rig.state, rig.clock, date, { outcome: 'validated', source: 'fault-suite' });
      }
    }
  } finally {
    await rig.close();
  }
}

/**
 * The baseline every scenario of a fault file is compared with: templates of a ledger of `days` days,
 * and the snapshot a clean in-order run of `dates` leaves, made once before the file's tests.
 */
export function cleanRunBaseline(days: number, dates: readonly FileDate[]): { readonly templates: Templates; readonly clean: Snapshot } {
  let templates: Templates | undefined;
  let clean: Snapshot | undefined;
  beforeAll(async () => {
    templates = await createTemplates(days);
    clean = await withScenario(templates, (parts) => sendInOrder(parts.spec, dates));
  }, 120_000);
  afterAll(async () => {
    await templates?.dispose();
  });
  return {
    get templates() {
      if (!templates) throw new Error('the baseline is made in beforeAll');
      return templates;
    },
    get clean() {
      if (!clean) throw new Error('the baseline is made in beforeAll');
      return clean;
    },
  };
}

export type { Snapshot };
