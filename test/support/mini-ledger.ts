import { sql, type Kysely } from 'kysely';
import { parseFileDate } from '../../core/file-date.js';

/**
 * A ledger small enough that a test makes every change by hand, day by day, with queries for accounts
 * (full-overwrite), balances (daily snapshot) and transactions (new-only).
 */
export const D = ['2026-04-01', '2026-04-02', '2026-04-03', '2026-04-04', '2026-04-05'].map((d) => parseFileDate(d));
export const at = (fileDate: string, time = '12:00') => `${new Date(new Date(`${fileDate}T00:00:00Z`).getTime() - 86_400_000).toISOString().slice(0, 10)} ${time}:00-05`;

export const QUERIES: Record<string, string> = {
  'accounts.sql': `
    select a.id as client_account_id, null as application_id, 'consumer' as account_holder_type,
           array[a.holder] as account_holders, null::text[] as authorized_signers, null::text[] as authorized_users,
           'USD' as currency, a.product as client_product_name, a.status, a.status_reason,
           null as aan_delivered_at, null as aan_reason, null as aan_delivery_method, null as credit_pulled_at,
           null as credit_score, null as credit_report_source, null as credit_limit, null as max_credit_limit,
           null as available_credit, a.changed_at as effective_at
    from mini.accounts a where a.opened_at < :window_end order by a.id`,
  'balances.sql': `
    select b.account_id, b.id as client_balance_id, null as id, 'Checking' as client_balance_name,
           null as client_settlement_bank_account_id, b.created_at,
           case when b.closed_at < :window_end then 'closed' else b.status end as status,
           case when b.closed_at < :window_end then 'client_closed' else b.status_reason end as status_reason, 'deposit' as type,
           coalesce((select sum(t.amount) from mini.entries t where t.balance_id = b.id and t.at < :window_end), 0) as balance,
           null as rewards_balance, null as interest_accrued_balance, null as dispute_balance, null as charge_off_balance,
           null as past_due_balance, null as outstanding_principal, null as outstanding_interest, null as outstanding_fees,
           :as_of::timestamptz as effective_at
    from mini.balances b
    -- A balance closed during T-1 is reported once more, closed, so Lead learns it closed; then never again.
    where b.created_at < :window_end and (b.closed_at is null or b.closed_at >= :window_start) order by b.id`,
  'transactions.sql': `
    select t.id as client_transaction_id, t.balance_id, null as card_id, null as client_settlement_group_id,
           null as client_settlement_bank_account_id, null as bin, t.amount, null as amount_in_usd, 'USD' as currency,
           null as principal_amount, null as fee_amount, null as interest_amount, null as rewards_amount,
           'credit' as type, null as fee_type, 'applied' as action, 'ach' as transfer_type, t.at::date as settlement_date,
           t.at as effective_at
    from mini.entries t where t.at >= :window_start and t.at < :window_end order by t.id`,
};

export async function installMini(db: Kysely<any>) {
  for (const statement of [
    'create schema mini',
    `create table mini.accounts (id text primary key, holder text not null, product text not null, status text not null,
       status_reason text not null, opened_at timestamptz not null, changed_at timestamptz not null)`,
    `create table mini.balances (id text primary key, account_id text not null, status text not null, status_reason text not null,
       created_at timestamptz not null, closed_at timestamptz)`,
    `create table mini.entries (id text primary key, balance_id text not null, amount numeric not null, at timestamptz not null)`,
  ]) await sql.raw(statement).execute(db);
}

