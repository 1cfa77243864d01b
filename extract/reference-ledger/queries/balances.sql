-- Balances (every day, every balance not closed at the end of the activity day, zero ones too), each
-- figure rebuilt from the ledger as of :window_end with the formulas Lead reconciles against
-- (financial-validations.md section 3), so balance(T) = balance(T-1) + that day's Transactions holds by
-- construction:
--   balance                  every posted amount except interest_accrued and dispute_won
--   rewards_balance          rewards_amount of rewards_earned/spent/redeemed, debit, refund, credit
--   interest_accrued_balance interest_accrued minus interest_paid
--   dispute_balance          dispute_provisional, dispute_won, dispute_lost
--   charge_off_balance       charge_off, charge_off_recovery
with status_at_end as (
  select distinct on (h.balance_id) h.balance_id, h.status, h.status_reason
  from ledger.balance_status_history h
  where h.changed_at < :window_end::timestamptz
  order by h.balance_id, h.changed_at desc
),
posted as (
  select
    e.balance_id,
    sum(e.amount) filter (where t.lead_type not in ('interest_accrued', 'dispute_won')) as balance,
    sum(e.rewards_amount) filter (
      where t.lead_type in ('rewards_earned', 'rewards_spent', 'rewards_redeemed', 'debit', 'refund', 'credit')
    ) as rewards_balance,
    sum(case t.lead_type when 'interest_accrued' then e.amount when 'interest_paid' then -e.amount end)
      as interest_accrued_balance,
    sum(e.amount) filter (where t.lead_type in ('dispute_provisional', 'dispute_won', 'dispute_lost')) as dispute_balance,
    sum(e.amount) filter (where t.lead_type in ('charge_off', 'charge_off_recovery')) as charge_off_balance
  from ledger.ledger_entries e
  join ledger.event_types t on t.event_type = e.event_type
  where e.effective_at < :window_end::timestamptz
  group by e.balance_id
)
select
  b.account_id,
  b.balance_id as client_balance_id,
  -- Balances are created through this file, not Lead's API, so Lead's own id stays empty.
  null::text as id,
  b.name as client_balance_name,
  null::text as client_settlement_bank_account_id,
  b.created_at,
  status_at_end.status,
  status_at_end.status_reason,
  b.type,
  coalesce(posted.balance, 0) as balance,
  coalesce(posted.rewards_balance, 0) as rewards_balance,
  coalesce(posted.interest_accrued_balance, 0) as interest_accrued_balance,
  coalesce(posted.dispute_balance, 0) as dispute_balance,
  coalesce(posted.charge_off_balance, 0) as charge_off_balance,
  -- Credit-only figures: a deposit program leaves them empty.
  null::numeric as past_due_balance,
  null::numeric as outstanding_principal,
  null::numeric as outstanding_interest,
  null::numeric as outstanding_fees,
  :as_of::timestamptz as effective_at
from status_at_end
join ledger.balances b on b.balance_id = status_at_end.balance_id
left join posted on posted.balance_id = b.balance_id
where status_at_end.status not in ('closed', 'receivable_transferred')
order by b.balance_id collate "C"
