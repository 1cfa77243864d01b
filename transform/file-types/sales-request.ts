import { currency, date, moneyIn, optional, required, text, timestamp, type FileTypeSpec } from '../file-type-spec.js';
import { rule } from '../validation/rule-kit.js';

const UNKNOWN_SALE = rule('cross.unknown_sale', 'doc', 'A Sales Response answers a `sale_id` of the same date\'s Sales Request.', 'sales.md');

/**
 * Sales Request (Sales workflow, written by Lead): the receivables Lead sells the partner today, one row
 * per balance, posted every day (empty on non-business days) once the day's Financial workflow passes.
 * lead-etl only parses it, to answer with a Sales Response (../shared/lead-spec/sales.md).
 *
 * Money is in major units with trailing zeros removed (`100`, `100.5`), so a parser takes up to the
 * currency's digits, and up to 6 for the imputed interest. Its rule is `inbound`, not a submission rule:
 * Lead decides what the file holds, and a sale appears in one day's request only.
 *
 * Being parsed, not built, the spec is lenient where Lead's page is unsure (effective_at), so a file
 * Lead sends is never refused on a guess.
 */
export const salesRequest: FileTypeSpec = {
  id: 'sales_request',
  title: 'Sales Request',
  token: 'sales_request',
  // Not confirmed by Lead: defaults to the id. Lead writes it; the partner has read-only access.
  folder: 'sales_request',
  workflow: 'sales',
  rule: 'inbound',
  direction: 'inbound',
  recordIdColumn: 'sale_id',
  // Never loaded: program.fileTypes only takes outbound types, and an inbound file is parsed, not
  // queried. Kept so every spec has the same shape.
  queryFile: 'sales_request.sql',
  source: 'lead-spec/sales.md',
  columns: [
    required('sale_id', text),
    required('balance_id', text),
    // The settlement_date of the disbursement in the Transactions file: interest accrues from it.
    required('start_date', date),
    required('sale_date', date),
    optional('funded_amount', moneyIn('currency')),
    required('outstanding_principal', moneyIn('currency')),
    // Sign not stated: settlement_amount = outstanding_principal + this + imputed_interest_accrued.
    required('settled_transactions_amount', moneyIn('currency')),
    required('imputed_interest_accrued', moneyIn('currency', { inboundMaxDecimals: 6 })),
    required('settlement_amount', moneyIn('currency')),
    required('currency', currency),
    // Lead's own generation time: read from the file, never filled by lead-etl.
    required('generated_at', timestamp),
    // The page is cut off in this row; "required (likely)".
    optional('effective_at', timestamp),
  ],
  // Every sale of the day is in the day's request: it settles which sale ids exist.
  produces: { columns: ['sale_id'], complete: 'same-date', unknown: UNKNOWN_SALE },
  uncertain: [
    'Remote folder and file-name token not confirmed by Lead (default: the id).',
    'Whether columns follow effective_at, and whether effective_at is required.',
    'The sign of settled_transactions_amount.',
  ],
};
