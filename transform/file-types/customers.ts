import { arrayOf, date, enumOf, optional, required, text, type FileTypeSpec } from '../file-type-spec.js';
import { BUSINESS_TYPES, CUSTOMER_INTENDED_ROLES, CUSTOMER_TYPES } from './lead-enums.js';

/**
 * Customer (Customer workflow, batch files): every customer created the day before plus every changed
 * one, each row the whole record. Lead's schema page breaks off after `business_gross_annual_revenue`
 * (tax ids, addresses, identification, KYC/OFAC results follow on Lead's side); only the 14 columns the
 * page shows are here, because the Entity API's field names are not the file's headers
 * (../shared/lead-spec/customers.md). A program profile adds the rest once Lead sends the full schema.
 *
 * Conditional requirements (first and last name for individuals, business type and name for
 * businesses and sole props) are not yet data: those columns are optional here and Lead checks them.
 */
export const customers: FileTypeSpec = {
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
    required('client_customer_id', text),
    required('customer_type', enumOf(...CUSTOMER_TYPES)),
    // Sic: Lead's schema prints `inteded_roles` (the Entity API says intended_roles); headers are
    // matched exactly, so we write what the file page prints until Lead says otherwise.
    optional('inteded_roles', arrayOf(...CUSTOMER_INTENDED_ROLES)),
    optional('first_name', text),
    optional('preferred_first_name', text),
    optional('middle_name', text),
    optional('last_name', text),
    // Sic: `data_of_birth` as the schema prints it (date_of_birth in the Entity API).
    optional('data_of_birth', date),
    // Sic: `ocupation` as the schema prints it (occupation in the Entity API).
    optional('ocupation', text),
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
};
