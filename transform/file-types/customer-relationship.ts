import { enumOf, optional, required, text, timestampOrDate, type FileTypeSpec } from '../file-type-spec.js';
import { exactlyOne, recordRule, rule } from '../validation/rule-kit.js';
import type { CrossRecordRule } from '../validation/rule-types.js';
import { RELATIONSHIP_STATUSES, RELATIONSHIP_TYPES } from './lead-enums.js';

/**
 * Customer Relationship (Customer workflow, batch files): links individuals to a business or sole-prop
 * customer. Programs with commercial customers send it with every Customer batch, header-only when
 * nothing changed, and Lead validates the two files of a batch as a pair. The schema page breaks off
 * after `relationship_established_at` (../shared/lead-spec/customers.md).
 */
const PARENT = rule('record.relationship_parent', 'doc', 'A customer relationship names exactly one of `client_business_id` and `client_sole_prop_id`.', 'customers.md');
const TYPE_PARENT = rule('record.relationship_type_parent', 'inferred',
  'A `sole_proprietor` relationship names its sole prop in `client_sole_prop_id` (a sole prop has exactly one sole proprietor, a business none).', 'customers.md');
const INDIVIDUAL = rule('cross.relationship_individual', 'doc', '`client_individual_id` names an individual customer.', 'customers.md');
const PARENT_TYPE = rule('cross.relationship_parent_type', 'doc',
  '`client_business_id` names a business customer and `client_sole_prop_id` a sole-prop customer.', 'customers.md');

const customerTypeIs = (info: typeof INDIVIDUAL, column: string, wanted: string): CrossRecordRule => ({
  ...info,
  reads: [column],
  needs: (row) => (row.get(column) === '' ? [] : [{ kind: 'customer', id: row.get(column) }]),
  check(row, facts) {
    const id = row.get(column);
    if (id === '' || id.startsWith('entity_')) return [];
    const fact = facts.get('customer', id);
    // An id the set never sent is the reference rule's finding.
    if (!fact) return [];
    if (!fact.complete) return 'unchecked';
    const type = fact.values.customer_type;
    return type === '' || type === wanted ? [] : [{ column, message: `${id} is a ${type} customer; ${column} names a ${wanted} one` }];
  },
});

export const customerRelationship: FileTypeSpec = {
  id: 'customer_relationship',
  title: 'Customer Relationship',
  // Lead's only example file name uses `beneficial_owner`; the file is named Customer Relationship
  // everywhere else, so the default follows the id, `beneficial_owner` is read with a warning, and a
  // program sets the token Lead confirms.
  token: 'customer_relationship',
  tokenAliases: ['beneficial_owner'],
  // Not confirmed by Lead: defaults to the id.
  folder: 'customer_relationship',
  workflow: 'customer',
  rule: 'full-overwrite',
  naming: 'batch',
  pairedWith: 'customer',
  recordIdColumn: 'client_individual_id',
  // Lead identifies a relationship by the individual and its business (or sole prop); exactly one of
  // the two parent columns is filled. The role is part of the key too [inferred]: Lead wants every
  // control person and every beneficial owner listed, and one person is often both, which would be two
  // rows with the same individual and business. Keying by the pair alone would call that a duplicate.
  recordIdColumns: ['client_individual_id', 'client_business_id', 'client_sole_prop_id', 'relationship_type'],
  queryFile: 'customer_relationship.sql',
  source: 'lead-spec/customers.md',
  columns: [
    required('client_individual_id', text),
    // One of client_business_id / client_sole_prop_id is required: a rule across columns, so both are
    // optional here.
    optional('client_business_id', text),
    optional('client_sole_prop_id', text),
    // Lead: required when the parent is a business or sole prop, which every relationship's parent is.
    required('status', enumOf(...RELATIONSHIP_STATUSES)),
    required('relationship_type', enumOf(...RELATIONSHIP_TYPES)),
    // Requirement and type are cut off on Lead's page ("The date the relations..."): lead-etl writes an
    // ISO 8601 datetime like every other *_at column of Lead's, and reads a bare date with a warning.
    optional('relationship_established_at', timestampOrDate),
  ],
  uncertain: [
    'File-name token: customer_relationship or beneficial_owner (Lead\'s one example); remote folder not confirmed (default: the id).',
    'Columns after relationship_established_at (ownership percentage, title...) and that column\'s type (date or datetime).',
    'Whether relationship_type belongs to the record key (one person as control person and beneficial owner).',
  ],
  references: [
    { column: 'client_individual_id', to: 'customer' },
    { column: 'client_business_id', to: 'customer' },
    { column: 'client_sole_prop_id', to: 'customer' },
  ],
  validation: {
    records: [
      exactlyOne(PARENT, ['client_business_id', 'client_sole_prop_id'], 'client_business_id or client_sole_prop_id'),
      recordRule(TYPE_PARENT, ['relationship_type', 'client_sole_prop_id', 'client_business_id'], (row) =>
        (row.get('relationship_type') === 'sole_proprietor' && row.get('client_sole_prop_id') === '' && row.get('client_business_id') !== ''
          ? [{ column: 'relationship_type', message: 'relationship_type sole_proprietor links an individual to a sole prop (client_sole_prop_id), not to a business' }]
          : [])),
    ],
    facts: [{
      // The people each parent has in this batch's file: the Customer file's rules count them.
      kind: 'customer_relationship.parent',
      reads: ['client_business_id', 'client_sole_prop_id', 'status', 'relationship_type'],
      key: (row) => (row.get('status') === 'active' ? row.get('client_business_id') || row.get('client_sole_prop_id') || undefined : undefined),
      values: (row) => ({ [row.get('relationship_type')]: '1' }),
      merge(previous, next, sameFile) {
        if (!sameFile) return { ...next };
        const out: Record<string, string> = { ...previous };
        for (const [type, count] of Object.entries(next)) out[type] = String(Number(out[type] ?? '0') + Number(count));
        return out;
      },
    }],
    crossRecords: [
      customerTypeIs(INDIVIDUAL, 'client_individual_id', 'individual'),
      customerTypeIs(PARENT_TYPE, 'client_business_id', 'business'),
      customerTypeIs(PARENT_TYPE, 'client_sole_prop_id', 'sole_prop'),
    ],
  },
};
