import { enumOf, optional, required, text, type FileTypeSpec, timestamp } from '../file-type-spec.js';
import { RELATIONSHIP_STATUSES, RELATIONSHIP_TYPES } from './lead-enums.js';

/**
 * Customer Relationship (Customer workflow, batch files): links individuals to a business or sole-prop
 * customer. Programs with commercial customers send it with every Customer batch, header-only when
 * nothing changed, and Lead validates the two files of a batch as a pair. The schema page breaks off
 * after `relationship_established_at` (../shared/lead-spec/customers.md).
 */
export const customerRelationships: FileTypeSpec = {
  id: 'customer_relationship',
  title: 'Customer Relationship',
  // Lead's only example file name uses `beneficial_owner`; the file is named Customer Relationship
  // everywhere else, so the default follows the id and a program sets the token Lead confirms.
  token: 'customer_relationship',
  // Not confirmed by Lead: defaults to the id.
  folder: 'customer_relationship',
  workflow: 'customer',
  rule: 'full-overwrite',
  naming: 'batch',
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
    // Requirement and type are cut off on Lead's page (a date or a datetime): optional text, so the
    // partner's query writes the form Lead confirms.
    // Type not given (the page is cut off); every other *_at column of Lead's is an ISO 8601 datetime.
    optional('relationship_established_at', timestamp),
  ],
  uncertain: [
    'File-name token: customer_relationship or beneficial_owner (Lead\'s one example); remote folder not confirmed (default: the id).',
    'Columns after relationship_established_at (ownership percentage, title...) and that column\'s type.',
    'Whether relationship_type belongs to the record key (one person as control person and beneficial owner).',
  ],
};
