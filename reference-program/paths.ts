import { packagePath } from '../core/package-root.js';

/** Where the reference ledger's SQL and data live, the same from source and from dist/ (package.json ships them). */
export const REFERENCE_LEDGER_SCHEMA_FILE = packagePath('reference-program', 'schema.sql');
export const REFERENCE_LEDGER_QUERIES_DIR = packagePath('reference-program', 'queries');
/** The ledger's event types mapped to Lead's type, transfer_type, fee_type and action. */
export const REFERENCE_LEDGER_EVENT_TYPE_MAP_FILE = packagePath('reference-program', 'event-type-map.json');
