import { allOrNothing, amountOf, recordRule, requiredWhen, rule } from '../validation/rule-kit.js';
import { sign, subtract } from '../money.js';
import type { RecordRule, RuleInfo } from '../validation/rule-types.js';

/**
 * Rules inside one record that the Accounts and Applications files share: the adverse action notice,
 * the credit report and the credit limit (accounts.md, applications.md, api-rules.md).
 */
export const AAN = ['aan_delivered_at', 'aan_reason', 'aan_delivery_method'] as const;
export const CREDIT_REPORT = ['credit_pulled_at', 'credit_score', 'credit_report_source'] as const;

export const AAN_ALL_OR_NOTHING = rule('record.aan_all_or_nothing', 'doc',
  'The adverse action notice is all of `aan_delivered_at`, `aan_reason`, `aan_delivery_method`, or none.', 'api-rules.md');
export const CREDIT_REPORT_ALL_OR_NOTHING = rule('record.credit_report_all_or_nothing', 'doc',
  'A credit report is all of `credit_pulled_at`, `credit_score`, `credit_report_source`, or none.', 'accounts.md; applications.md; api-rules.md');
export const CREDIT_LIMIT_EXCEEDS_MAX = rule('record.credit_limit_exceeds_max', 'doc',
  '`credit_limit` is not more than `max_credit_limit` when both are given.', 'accounts.md; applications.md');
export const COMMERCIAL_REQUIRES_SIGNER = rule('record.commercial_requires_signer', 'doc',
  'A commercial account, and a commercial approved application, names at least one authorized signer.', 'accounts.md; applications.md; api-rules.md');

/** The notice is required whole when `when` holds (`required`); otherwise it is all or nothing. */
export function adverseActionNotice(required: RuleInfo, when: { readonly column: string; readonly is: readonly string[] }): RecordRule[] {
  return [
    requiredWhen(required, when, AAN),
    { ...allOrNothing(AAN_ALL_OR_NOTHING, AAN, 'the adverse action notice', (row) => when.is.includes(row.get(when.column))), reads: [when.column, ...AAN] },
  ];
}

export const creditReport = allOrNothing(CREDIT_REPORT_ALL_OR_NOTHING, CREDIT_REPORT, 'a credit report');

export const creditLimitWithinMax = recordRule(CREDIT_LIMIT_EXCEEDS_MAX, ['credit_limit', 'max_credit_limit'], (row) => {
  const [limit, max] = [row.get('credit_limit'), row.get('max_credit_limit')];
  if (limit === '' || max === '') return [];
  return sign(subtract(amountOf(limit), amountOf(max))) > 0 ? [{ column: 'credit_limit', message: `credit_limit ${limit} is more than max_credit_limit ${max}` }] : [];
});
