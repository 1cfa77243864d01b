import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { openDatabase } from '../core/database.js';
import { describeStateSchema, STATE_SCHEMA_DUMP } from '../load/state/describe-schema.js';
import { migrateStateStore } from '../load/state/state-store.js';

/**
 * Rewrites load/state/schema.sql (`npm run schema:dump`): every migration applied to an empty in-memory
 * PGlite, then the catalog read back. A test compares the committed file with the same reading, on PGlite
 * and on PostgreSQL.
 */
async function renderStateSchemaDump(): Promise<string> {
  const database = await openDatabase({ driver: 'pglite' });
  try {
    const migrated = await migrateStateStore(database.db);
    if (migrated.error) throw migrated.error;
    return await describeStateSchema(database.db);
  } finally {
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(STATE_SCHEMA_DUMP, await renderStateSchemaDump());
  process.stdout.write(`wrote ${STATE_SCHEMA_DUMP}\n`);
}
