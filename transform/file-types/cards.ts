import { boolean, date, enumOf, generatedAt, optional, required, text, timestamp, type FileTypeSpec } from '../file-type-spec.js';
import { CARD_STATUSES, CARD_TYPES } from './lead-enums.js';

/**
 * Cards (Compliance workflow): every card issued, sent when new or changed, whole each time. Lead's
 * schema page breaks off after `generated_at`; whether `effective_at` follows is not known, so it is not
 * here (../shared/lead-spec/cards.md).
 */
export const cards: FileTypeSpec = {
  id: 'cards',
  title: 'Cards',
  token: 'cards',
  // Not confirmed by Lead: defaults to the id.
  folder: 'cards',
  workflow: 'compliance',
  rule: 'full-overwrite',
  recordIdColumn: 'client_card_id',
  queryFile: 'cards.sql',
  source: 'lead-spec/cards.md',
  columns: [
    required('client_card_id', text),
    required('account_id', text),
    // The cardholder: a client_customer_id or Lead entity id, holder or authorized user of the account.
    required('entity_id', text),
    required('client_card_product_name', text),
    required('is_virtual', boolean),
    required('card_type', enumOf(...CARD_TYPES)),
    required('created_at', timestamp),
    required('card_status', enumOf(...CARD_STATUSES)),
    // Lead's table says required, though cards that were never activated exist: ask Lead.
    required('activated_at', timestamp),
    required('expiry_date', date),
    // Both required when card_status is closed: a rule across columns.
    optional('closed_at', timestamp),
    optional('closed_reason', text),
    optional('replaced_by', text),
    // Lead's type is cut to "date..."; every other file's generated_at is an ISO 8601 datetime, and the
    // pipeline writes one.
    generatedAt,
  ],
  // A closed card cannot be reopened and later changes to it are rejected. `expired` is not documented
  // as terminal, so an expired card may still be updated (closed, for instance).
  terminal: { column: 'card_status', values: ['closed'] },
  // Lead's future validation "Updates not allowed on Immutable Fields": once set, these never change,
  // so every re-sent card repeats the values first reported (replaced_by and closed_* are set late).
  immutableColumns: [
    'account_id', 'entity_id', 'is_virtual', 'card_type', 'created_at', 'activated_at', 'expiry_date',
    'closed_at', 'closed_reason', 'replaced_by',
  ],
  hashExcludes: ['generated_at'],
  uncertain: [
    'Remote folder and file-name token not confirmed by Lead (default: the id).',
    'Whether generated_at is a date or a datetime, and whether effective_at or other columns follow it.',
    'How to report a card never activated (activated_at is required); allowed closed_reason values.',
    'Whether expired is terminal; the boolean literal form (true/false assumed).',
  ],
};
