-- Balances (every day, every balance not closed at the end of the activity day, zero ones too; a balance
-- that closed during the day is reported that once more, closed, so Lead learns it closed: Lead expects
-- every balance non-terminal on T-1 in the file of T, financial-validations.md section 1), each
-- figure summed from the ledger as of :window_end the way the partner's books keep it (each event type
-- says how it moves the balance and a deposit's accrued interest), which is what Lead reconciles
-- against (financial-validations.md sections 3 and 4), so balance(T) = balance(T-1) + that day's
-- Transactions holds by construction:
--   balance                  deposit: money held (interest accrued but not yet paid left out);
--                            credit: what is owed, = outstanding principal + interest + fees
--   rewards_balance          cashback earned and not yet redeemed
--   interest_accrued_balance deposit only: interest accrued minus interest paid
--   outstanding_*            credit only: the principal, interest and fees parts of what is owed
-- The program has no disputes, charge-offs or delinquency buckets yet, so those figures are 0; a ledger
-- that has them sums their events here as its own books do.
with status_at_end as (
  select distinct on (h.balance_id) h.balance_id, h.status, h.status_reason, h.changed_at
  from ledger.balance_status_history h
  where h.changed_at < :window_end::timestamptz
  order by h.balance_id, h.changed_at desc
),
posted as (
  select
    e.balance_id,
    sum(e.amount * t.balance_effect) as balance,
    sum(e.rewards_amount) as rewards_balance,
    sum(e.amount * t.accrued_interest_effect) as interest_accrued_balance,
    sum(e.principal_amount) as outstanding_principal,
    sum(e.interest_amount) as outstanding_interest,
    sum(e.fee_amount) as outstanding_fees
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
  case when b.type = 'deposit' then coalesce(posted.interest_accrued_balance, 0) end as interest_accrued_balance,
  0::numeric as dispute_balance,
  0::numeric as charge_off_balance,
  case when b.type = 'credit' then 0::numeric end as past_due_balance,
  case when b.type = 'credit' then coalesce(posted.outstanding_principal, 0) end as outstanding_principal,
  case when b.type = 'credit' then coalesce(posted.outstanding_interest, 0) end as outstanding_interest,
  case when b.type = 'credit' then coalesce(posted.outstanding_fees, 0) end as outstanding_fees,
  :as_of::timestamptz as effective_at
from status_at_end
join ledger.balances b on b.balance_id = status_at_end.balance_id
left join posted on posted.balance_id = b.balance_id
where status_at_end.status not in ('closed', 'receivable_transferred')
   or status_at_end.changed_at >= :window_start::timestamptz
order by b.balance_id collate "C"
