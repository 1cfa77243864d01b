import { enumOf, optional, required, text, usdMoney, type FileTypeSpec } from '../file-type-spec.js';
import { COLLATERAL_TYPES } from './lead-enums.js';

/**
 * Collaterals (Financial workflow, per Lead's workflow table; secured products only): one record per
 * relationship between an asset and the credit account it secures, sent when new or changed, header-only
 * on other days. Lead's page exists in two versions; this follows the newer one (version B in
 * ../shared/lead-spec/collaterals.md), which breaks off after `value_usd`. The older, complete version
 * ends with status, generated_at and effective_at, but whether version B does is not known, so they are
 * not here: a program profile adds the columns Lead confirms.
 */
export const collaterals: FileTypeSpec = {
  id: 'collaterals',
  title: 'Collaterals',
  token: 'collaterals',
  // Not confirmed by Lead: defaults to the id.
  folder: 'collaterals',
  workflow: 'financial',
  rule: 'full-overwrite',
  recordIdColumn: 'client_collateral_id',
  queryFile: 'collaterals.sql',
  source: 'lead-spec/collaterals.md',
  columns: [
    required('client_collateral_id', text),
    // The account holding the credit balance secured.
    required('account_id', text),
    // The pledged deposit balance: required when type is deposit_balance (a rule across columns).
    optional('balance_id', text),
    required('type', enumOf(...COLLATERAL_TYPES)),
    // At least 0, exactly 2 decimals, in dollars. Its requirement is cut off on the page and a deposit
    // balance's value may come from the Balances file, so it is optional here rather than refused.
    optional('value_usd', usdMoney),
  ],
  // Lead: the type cannot change after creation.
  immutableColumns: ['type'],
  uncertain: [
    'Remote folder and file-name token not confirmed by Lead (default: the id).',
    'Which page version Lead validates (B: value_usd, real_estate; A: value_in_usd, shares, cryptocurrency).',
    'Version B columns after value_usd (status, generated_at, effective_at?) and whether value_usd is required for deposit balances.',
    'Whether a collateral has a terminal state, and whether effective_at must increase per re-send.',
  ],
};
