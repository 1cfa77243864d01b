import type { PipelineConfig } from './pipeline-config.js';
import {
  generateReferenceLedger, installReferenceLedgerSchema, type GenerateOptions, type GenerateSummary,
} from '../reference-program/generate.js';
import { openDatabases } from './job-context.js';

/** `lead-etl seed`: the reference ledger, generated into the configured ledger database. */
export async function seedLedger(
  config: PipelineConfig,
  options: GenerateOptions & { reset: boolean },
): Promise<GenerateSummary> {
  const databases = await openDatabases(config);
  try {
    const { reset, ...generate } = options;
    // Without --reset the generator refuses a ledger that already holds data, naming the flag.
    await installReferenceLedgerSchema(databases.ledger, { replace: reset });
    return await generateReferenceLedger(databases.ledger, generate);
  } finally {
    await databases.close();
  }
}
