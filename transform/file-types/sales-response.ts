import { enumOf, generatedAt, optional, required, text, timestamp, type FileTypeSpec } from '../file-type-spec.js';
import { requiredWhen, rule } from '../validation/rule-kit.js';
import type { DateRule } from '../validation/rule-types.js';
import { SALE_RESPONSES } from './lead-enums.js';

const ALREADY_ANSWERED = rule('cross.sale_already_answered', 'doc', 'A sale is answered once; its `sale_id` was not in an earlier Sales Response.', 'sales.md; sftp-process.md §5');
const REJECT_REASON = rule('record.reject_reason_required', 'doc', 'A rejected sale says why in `reject_reason`.', 'sales.md');
const NOT_ANSWERED = rule('cross.sale_not_answered', 'doc', 'The Sales Response of a date answers every sale of that date\'s Sales Request.', 'sales.md');

/** Every sale Lead requested on a date is answered by that date's response (an unknown one is the reference rule's). */
const everySaleAnswered: DateRule = {
  rules: [NOT_ANSWERED],
  async check(context) {
    const requestFile = context.files.find((f) => f.fileType === 'sales_request');
    const request = await requestFile?.produced();
    if (!requestFile || !request || request.size === 0) return { findings: [] };
    const responseFile = context.files.find((f) => f.fileType === 'sales_response');
    if (!responseFile) {
      return { findings: [], notes: [{ file: requestFile.file, note: `no Sales Response dated ${context.date} in the set: whether each of its ${request.size} sale(s) is answered was not checked` }] };
    }
    if (!responseFile.passed) return { findings: [] };
    const response = await responseFile.produced();
    const missing = [...request.keys()].filter((sale) => !response.has(sale));
    // An answer naming a sale the request does not hold is most likely the missing one mistyped: that
    // answer is the reference rule's finding, and only the sales left over are reported here.
    const strays = [...response.keys()].filter((sale) => !request.has(sale)).length;
    return {
      findings: missing.slice(strays).map((sale) => ({
        file: responseFile.file, line: 0, column: responseFile.columnName('sale_id'), rule: NOT_ANSWERED.code,
        message: `sale ${sale} of the Sales Request dated ${context.date} is not answered; answer every sale, accepted or rejected`,
      })),
    };
  },
};

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
  answers: 'sales_request',
  schemaComplete: true,
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
  produces: { columns: ['sale_id'], complete: 'from-day0', newOnly: ALREADY_ANSWERED },
  references: [{ column: 'sale_id', to: 'sales_request' }],
  validation: {
    records: [requiredWhen(REJECT_REASON, { column: 'response', is: ['rejected'] }, ['reject_reason'])],
    dateRules: [everySaleAnswered],
  },
};
