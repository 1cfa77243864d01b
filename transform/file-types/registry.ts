import { LeadEtlError } from '../../core/errors.js';
import { directionOf, type FileTypeSpec } from '../file-type-spec.js';
import { accounts } from './accounts.js';
import { applications } from './applications.js';
import { authorizedUsers } from './authorized-users.js';
import { balances } from './balances.js';
import { cards } from './cards.js';
import { collaterals } from './collaterals.js';
import { customerRelationships } from './customer-relationships.js';
import { customers } from './customers.js';
import { nonPostedTransactions } from './non-posted-transactions.js';
import { salesRequest } from './sales-request.js';
import { salesResponse } from './sales-response.js';
import { transactionsUpdate } from './transactions-update.js';
import { transactions } from './transactions.js';

/**
 * Every file type lead-etl knows, in Lead's object dependency order (sftp-process.md, section 9): the
 * customers an account names exist before it, the account before its cards, users, collaterals and
 * balances, a transaction before its update, a sale requested before it is answered.
 */
export const FILE_TYPES: readonly FileTypeSpec[] = [
  customers,
  customerRelationships,
  applications,
  accounts,
  cards,
  authorizedUsers,
  collaterals,
  balances,
  transactions,
  nonPostedTransactions,
  transactionsUpdate,
  salesRequest,
  salesResponse,
];

export function fileTypeById(id: string): FileTypeSpec {
  const spec = FILE_TYPES.find((candidate) => candidate.id === id);
  if (!spec) {
    throw new LeadEtlError('FILE_TYPE_UNKNOWN', `unknown file type "${id}"; known: ${FILE_TYPES.map((s) => s.id).join(', ')}`);
  }
  return spec;
}

/** The file types lead-etl writes and sends (every one but those Lead posts for us to read). */
export function outboundFileTypes(): readonly FileTypeSpec[] {
  return FILE_TYPES.filter((spec) => directionOf(spec) === 'outbound');
}
