import { LeadEtlError } from '../../core/errors.js';
import type { FileTypeSpec } from '../file-type-spec.js';
import { accounts } from './accounts.js';
import { balances } from './balances.js';
import { nonPostedTransactions } from './non-posted-transactions.js';
import { transactions } from './transactions.js';

/** Every file type lead-etl knows, in Lead's object dependency order (accounts before balances...). */
export const FILE_TYPES: readonly FileTypeSpec[] = [accounts, balances, transactions, nonPostedTransactions];

export function fileTypeById(id: string): FileTypeSpec {
  const spec = FILE_TYPES.find((candidate) => candidate.id === id);
  if (!spec) {
    throw new LeadEtlError('FILE_TYPE_UNKNOWN', `unknown file type "${id}"; known: ${FILE_TYPES.map((s) => s.id).join(', ')}`);
  }
  return spec;
}
