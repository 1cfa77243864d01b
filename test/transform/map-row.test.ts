import { describe, expect, it } from 'vitest';
import { authorizedUsers } from '../../transform/file-types/authorized-users.js';
import { customer as customers } from '../../transform/file-types/customer.js';
import { createRowMapper } from '../../transform/map-row.js';

const context = { timestampZone: 'America/Chicago', programCurrency: 'USD', excessPrecision: 'error' as const, generatedAt: '2026-03-09T01:00:00-05:00' };

const customer = (roles: unknown) => ({
  client_customer_id: 'cus_1', customer_type: 'individual', inteded_roles: roles, first_name: 'Ada', preferred_first_name: null,
  middle_name: null, last_name: 'Lovelace', data_of_birth: '1990-12-10', ocupation: null, business_type: null, business_name: null,
  doing_business_as: null, website: null, business_gross_annual_revenue: null,
});

describe('createRowMapper', () => {
  it('writes an array column\'s items when they are among its values, and names the ones that are not', () => {
    const mapRow = createRowMapper(customers, context, 'customer.sql');
    const good = mapRow(customer(['account_holder', 'authorized_user']), 1);
    expect(good.ok && good.values[2]).toBe('["account_holder","authorized_user"]');
    const bad = mapRow(customer(['account_holder', 'owner']), 2);
    expect(bad.ok ? [] : bad.problems).toEqual([
      expect.objectContaining({ recordId: 'cus_1', column: 'inteded_roles', rule: 'array.enum', message: expect.stringContaining('"owner"') }),
    ]);
  });

  it('names a record keyed by a pair with both parts', () => {
    const mapRow = createRowMapper(authorizedUsers, context, 'authorized_users.sql');
    const mapped = mapRow({ entity_id: 'ent_1', account_id: 'acc_1', status: 'gone', effective_at: '2026-03-08T10:00:00-06:00' }, 1);
    expect(mapped.ok ? [] : mapped.problems).toEqual([expect.objectContaining({ recordId: 'acc_1/ent_1', column: 'status', rule: 'enum' })]);
  });
});
