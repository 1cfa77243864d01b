import { packagePath } from '../../core/package-root.js';

/** Where the reference ledger's SQL lives, the same from source and from dist/ (package.json ships both). */
export const REFERENCE_LEDGER_SCHEMA_FILE = packagePath('extract', 'reference-ledger', 'schema.sql');
export const REFERENCE_LEDGER_QUERIES_DIR = packagePath('extract', 'reference-ledger', 'queries');
