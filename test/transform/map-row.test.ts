import { describe, expect, it } from 'vitest';
import { authorizedUsers } from '../../transform/file-types/authorized-users.js';
import { customer as customers } from '../../transform/file-types/customer.js';
import { nonPostedTransactions } from '../../transform/file-types/non-posted-transactions.js';
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

  it('reads the query row in place: value maps consume their source and fill their targets, the row stays as it was', () => {
    const map = { name: 'event_types', source: 'event_type', targets: ['type', 'transfer_type'], entries: { ACH_DEPOSIT: { type: 'credit', transfer_type: 'ach' } } };
    const mapRow = createRowMapper(nonPostedTransactions, context, 'non_posted_transactions.sql', [map]);
    const row = (id: string, event: string, currency: string) => ({
      transaction_id: id, balance_id: 'bal_1', settlement_group_id: null, amount: '-12.3400', currency, amount_in_usd: null,
      event_type: event, reconciliation_note: 'n', settlement_date: '2026-03-05', transfer_id: null, statement_description: null,
      effective_at: new Date('2026-03-05T15:30:00.250Z'),
    });
    const first = row('txn_1', 'ACH_DEPOSIT', 'JPY');
    const good = mapRow(row('txn_1', 'ACH_DEPOSIT', 'USD'), 2);
    expect(good).toEqual({ ok: true, line: 2, recordId: 'txn_1', values: [
      'txn_1', 'bal_1', '', '-12.34', 'USD', '', 'credit', 'ach', 'n', '2026-03-05', '', '', context.generatedAt, '2026-03-05T09:30:00.250-06:00',
    ] });
    // The amount's digits follow each row's currency column: JPY has none, and 12.34 yen cannot be written.
    const yen = mapRow(first, 3);
    expect(yen.ok ? [] : yen.problems).toEqual([expect.objectContaining({ recordId: 'txn_1', column: 'amount', rule: 'money.precision' })]);
    expect(first.event_type).toBe('ACH_DEPOSIT');
    const unmapped = mapRow(row('txn_2', 'WIRE_OUT', 'USD'), 4);
    expect(unmapped.ok ? [] : unmapped.problems).toEqual([
      { fileType: 'non_posted_transactions', line: 4, recordId: 'txn_2', column: 'type', rule: 'value-map.unmapped', message: expect.stringContaining('"WIRE_OUT"') },
      expect.objectContaining({ column: 'type', rule: 'required' }),
      expect.objectContaining({ column: 'transfer_type', rule: 'required' }),
    ]);
    // A row after a bad one gets none of its values: the overlay is the row's own.
    expect(mapRow(row('txn_3', 'ACH_DEPOSIT', 'USD'), 5).ok).toBe(true);
  });
});
