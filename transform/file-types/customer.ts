import { arrayOf, date, enumOf, optional, required, text, type FileTypeSpec } from '../file-type-spec.js';
import { idsIn, recordRule, requiredWhen, rule } from '../validation/rule-kit.js';
import type { CrossRecordRule, RecordRule } from '../validation/rule-types.js';
import { BUSINESS_TYPES, CUSTOMER_INTENDED_ROLES, CUSTOMER_TYPES } from './lead-enums.js';

/**
 * Customer (Customer workflow, batch files): every customer created the day before plus every changed
 * one, each row the whole record. Lead's schema page breaks off after `business_gross_annual_revenue`
 * (tax ids, addresses, identification, KYC/OFAC results follow on Lead's side); only the 14 columns the
 * page shows are here, because the Entity API's field names are not the file's headers
 * (../shared/lead-spec/customers.md). A program profile adds the rest once Lead sends the full schema.
 */
export const UNKNOWN_CUSTOMER = rule('cross.unknown_customer', 'doc',
  'Holders, signers, users, cardholders and related individuals name customers sent before or in the set (or Lead `entity_` ids).',
  'accounts.md; applications.md; cards.md; customers.md');

const INDIVIDUAL_NAME = rule('record.customer_individual_name', 'doc', 'An individual customer has a `first_name` and a `last_name`.', 'customers.md');
const BUSINESS_DETAILS = rule('record.customer_business_details', 'doc',
  'A business or sole-prop customer has a `business_type` and a `business_name`; a sole prop\'s business type is sole_prop; an individual has no business type.', 'customers.md');
const ROLES = rule('record.customer_roles', 'doc', 'A business or sole-prop customer may only intend the `account_holder` role.', 'customers.md');
const LAST_NAME = rule('record.customer_last_name', 'doc', 'A `last_name` has at least 2 letters or digits.', 'customers.md');
const BUSINESS_NAME = rule('record.customer_business_name', 'doc', 'A `business_name` has at least 2 characters.', 'customers.md');
const WEBSITE = rule('record.customer_website', 'doc', 'A `website` starts with http:// or https://.', 'customers.md');
const CONTROL_PERSON = rule('cross.control_person_missing', 'doc',
  'A business customer sent for the first time has at least one active control person in the Customer Relationship file of its batch.', 'customers.md');
const SOLE_PROPRIETOR = rule('cross.sole_proprietor_count', 'doc',
  'A sole-prop customer sent for the first time has exactly one active sole proprietor in the Customer Relationship file of its batch.', 'customers.md');

const isBusiness = (type: string) => type === 'business' || type === 'sole_prop';

const records: readonly RecordRule[] = [
  // Names are personal data: these messages say which column is wrong, never what the others hold.
  requiredWhen(INDIVIDUAL_NAME, { column: 'customer_type', is: ['individual'] }, ['first_name', 'last_name']),
  recordRule(BUSINESS_DETAILS, ['customer_type', 'business_type', 'business_name'], (row) => {
    const type = row.get('customer_type');
    if (type === 'individual') {
      return row.get('business_type') === '' ? [] : [{ column: 'business_type', message: `business_type does not apply to an individual customer; leave it empty, not ${row.get('business_type')}` }];
    }
    const missing = ['business_type', 'business_name'].filter((c) => row.get(c) === '');
    if (missing.length > 0) return [{ column: missing[0]!, message: `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required when customer_type is ${type}` }];
    return type === 'sole_prop' && row.get('business_type') !== 'sole_prop'
      ? [{ column: 'business_type', message: `business_type of a sole_prop customer is sole_prop, not ${row.get('business_type')}` }]
      : [];
  }),
  recordRule(ROLES, ['customer_type', 'inteded_roles'], (row) => {
    if (!isBusiness(row.get('customer_type'))) return [];
    const others = idsIn(row.get('inteded_roles')).filter((role) => role !== 'account_holder');
    return others.length ? [{ column: 'inteded_roles', message: `inteded_roles: a ${row.get('customer_type')} customer may only be an account_holder, not ${others.join(', ')}` }] : [];
  }),
  recordRule(LAST_NAME, ['last_name'], (row) => {
    const name = row.get('last_name');
    return name !== '' && (name.match(/[\p{L}\p{N}]/gu)?.length ?? 0) < 2 ? [{ column: 'last_name', message: 'last_name has fewer than 2 letters or digits' }] : [];
  }),
  recordRule(BUSINESS_NAME, ['business_name'], (row) => {
    const name = row.get('business_name');
    return name !== '' && [...name.trim()].length < 2 ? [{ column: 'business_name', message: 'business_name has fewer than 2 characters' }] : [];
  }),
  recordRule(WEBSITE, ['website'], (row) => {
    const site = row.get('website');
    // A web address is not personal data; the scheme is all the message needs to show.
    return site !== '' && !/^https?:\/\/\S/.test(site) ? [{ column: 'website', message: 'website does not start with http:// or https://' }] : [];
  }),
];

/**
 * A new business names its control persons and beneficial owners, a new sole prop its sole proprietor,
 * in the Customer Relationship file of the batch that creates it (Lead validates the two as a pair).
 * The relationship file's tally of the batch (customer-relationship.ts) says how many it named.
 */
function peopleBehind(info: typeof CONTROL_PERSON, customerType: string, count: (tally: Readonly<Record<string, string>>) => string | undefined): CrossRecordRule {
  return {
    ...info,
    reads: ['client_customer_id', 'customer_type'],
    usesSentBefore: true,
    needs: (row) => (row.get('customer_type') === customerType ? [{ kind: 'customer_relationship.parent', id: row.get('client_customer_id') }] : []),
    check(row, facts, context) {
      if (row.get('customer_type') !== customerType) return [];
      if (context.sentBefore === undefined) return 'unchecked';
      // Its people were named when it was first sent; a missing Relationship file is the pair rule's finding.
      if (context.sentBefore || !context.present('customer_relationship')) return [];
      const tally = facts.get('customer_relationship.parent', row.get('client_customer_id'));
      const found = tally && tally.fileDate === context.fileDate ? Number(count(tally.values) ?? '0') : 0;
      if (customerType === 'business') {
        return found >= 1 ? [] : [{ column: 'client_customer_id', message: `business ${row.get('client_customer_id')} has no active control_person in the batch's Customer Relationship file; name at least one` }];
      }
      return found === 1 ? [] : [{
        column: 'client_customer_id',
        message: `sole prop ${row.get('client_customer_id')} has ${found} active sole_proprietor relationships in the batch's Customer Relationship file; it has exactly one`,
      }];
    },
  };
}

export const customer: FileTypeSpec = {
  id: 'customer',
  title: 'Customer',
  token: 'customer',
  // `customer` is one of the folders Lead's sandbox page names.
  folder: 'customer',
  workflow: 'customer',
  rule: 'full-overwrite',
  naming: 'batch',
  recordIdColumn: 'client_customer_id',
  queryFile: 'customer.sql',
  source: 'lead-spec/customers.md',
  columns: [
    required('client_customer_id', text, { maxLength: 64 }),
    required('customer_type', enumOf(...CUSTOMER_TYPES)),
    // Sic: Lead's schema prints `inteded_roles` (the Entity API says intended_roles); headers are
    // matched exactly, so we write what the file page prints and read the API's spelling with a warning.
    optional('inteded_roles', arrayOf(...CUSTOMER_INTENDED_ROLES), { aliases: ['intended_roles'] }),
    optional('first_name', text, { personal: true }),
    optional('preferred_first_name', text, { personal: true }),
    optional('middle_name', text, { personal: true }),
    optional('last_name', text, { personal: true }),
    // Sic: `data_of_birth` as the schema prints it (date_of_birth in the Entity API).
    optional('data_of_birth', date, { aliases: ['date_of_birth'], personal: true }),
    // Sic: `ocupation` as the schema prints it (occupation in the Entity API).
    optional('ocupation', text, { aliases: ['occupation'] }),
    optional('business_type', enumOf(...BUSINESS_TYPES)),
    optional('business_name', text),
    optional('doing_business_as', text),
    optional('website', text),
    // The page's requirement is cut to "Optio..." and its type is not shown; the Entity API takes a
    // string, so the value passes through as the partner's query writes it.
    optional('business_gross_annual_revenue', text),
  ],
  // No effective_at or generated_at is known for this file, so nothing is excluded from change detection.
  uncertain: [
    'Every column after business_gross_annual_revenue (tax ids, addresses, identification, contact, KYC/OFAC, risk).',
    'Whether inteded_roles, data_of_birth and ocupation are typos on the page or the headers Lead expects.',
    'Type of business_gross_annual_revenue; whether the file has effective_at or generated_at.',
    'Batch ids: any unique string; with one submission a day the date can be the batch id.',
  ],
  produces: { columns: ['client_customer_id'], complete: 'from-day0', leadIdPrefixes: ['entity_'], unknown: UNKNOWN_CUSTOMER },
  validation: {
    records,
    facts: [{
      kind: 'customer',
      reads: ['client_customer_id', 'customer_type', 'inteded_roles'],
      key: (row) => row.get('client_customer_id') || undefined,
      values: (row) => ({ customer_type: row.get('customer_type'), inteded_roles: row.get('inteded_roles') }),
    }],
    crossRecords: [
      peopleBehind(CONTROL_PERSON, 'business', (tally) => tally.control_person),
      peopleBehind(SOLE_PROPRIETOR, 'sole_prop', (tally) => tally.sole_proprietor),
    ],
  },
};
