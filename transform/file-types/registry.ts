import { LeadEtlError } from '../../core/errors.js';
import { directionOf, type FileTypeSpec } from '../file-type-spec.js';
import { accounts } from './accounts.js';
import { applications } from './applications.js';
import { authorizedUsers } from './authorized-users.js';
import { balances } from './balances.js';
import { cards } from './cards.js';
import { collaterals } from './collaterals.js';
import { customerRelationship } from './customer-relationship.js';
import { customer } from './customer.js';
import { nonPostedTransactions } from './non-posted-transactions.js';
import { salesRequest } from './sales-request.js';
import { salesResponse } from './sales-response.js';
import { transactionsUpdate } from './transactions-update.js';
import { transactions } from './transactions.js';

/**
 * Every file type lead-etl knows, by id, in Lead's object dependency order (sftp-process.md, section
 * 9): the customers an account names exist before it, the account before its cards, users, collaterals
 * and balances, a transaction before its update, a sale requested before it is answered.
 *
 * The keys are the file type ids: `FileTypeId` is derived from them, so a rule table naming a file type
 * that is not here fails to compile. Each spec lives in the module named after its id
 * (`authorized_users` in authorized-users.ts). Adding a file type is its module and its line here.
 */
const REGISTRY = {
  customer,
  customer_relationship: customerRelationship,
  applications,
  accounts,
  cards,
  authorized_users: authorizedUsers,
  collaterals,
  balances,
  transactions,
  non_posted_transactions: nonPostedTransactions,
  transactions_update: transactionsUpdate,
  sales_request: salesRequest,
  sales_response: salesResponse,
};

export type FileTypeId = keyof typeof REGISTRY;

export const FILE_TYPES: readonly FileTypeSpec[] = Object.values(REGISTRY);

export const FILE_TYPE_IDS = Object.keys(REGISTRY) as readonly FileTypeId[];

export function isFileTypeId(id: string): id is FileTypeId {
  return Object.hasOwn(REGISTRY, id);
}

export function fileTypeById(id: string): FileTypeSpec {
  if (!isFileTypeId(id)) {
    throw new LeadEtlError('FILE_TYPE_UNKNOWN', `unknown file type "${id}"; known: ${FILE_TYPE_IDS.join(', ')}`);
  }
  return REGISTRY[id];
}

/** The file types lead-etl writes and sends (every one but those Lead posts for us to read). */
export function outboundFileTypes(): readonly FileTypeSpec[] {
  return FILE_TYPES.filter((spec) => directionOf(spec) === 'outbound');
}

/** Lead's object order of a file type, for sorting. */
export const fileTypeOrder = (id: FileTypeId): number => FILE_TYPE_IDS.indexOf(id);
