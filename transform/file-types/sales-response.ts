import { enumOf, generatedAt, optional, required, text, timestamp, type FileTypeSpec } from '../file-type-spec.js';
import { SALE_RESPONSES } from './lead-enums.js';

/**
 * Sales Response (Sales workflow, credit programs where Lead sells receivables): one row per sale_id of
 * the day's Sales Request, accepted or rejected, sent after paying the settlement amount; header-only
 * when the request was empty. The schema page appears complete (../shared/lead-spec/sales.md).
 */
export const salesResponse: FileTypeSpec = {
  id: 'sales_response',
  title: 'Sales Response',
  token: 'sales_response',
  // Not confirmed by Lead: defaults to the id.
  folder: 'sales_response',
  workflow: 'sales',
  // Each sale is answered once: a sale_id already answered is never sent again.
  rule: 'new-only',
  recordIdColumn: 'sale_id',
  queryFile: 'sales_response.sql',
  source: 'lead-spec/sales.md',
  columns: [
    required('sale_id', text),
    optional('purchasing_entity', text),
    required('response', enumOf(...SALE_RESPONSES)),
    // Required when response is rejected: a rule across columns.
    optional('reject_reason', text),
    generatedAt,
    required('effective_at', timestamp),
  ],
  uncertain: [
    'Remote folder and file-name token not confirmed by Lead (default: the id).',
    'No deadline of its own beyond the daily one, and "pay settlement_amount first".',
  ],
};
