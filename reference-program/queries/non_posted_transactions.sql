-- Non-posted Transactions (every day until posted): money that had settled into the FBO by the end of
-- the activity day and had not yet posted to a customer balance. Amounts carry the sign they will have
-- on the customer's balance, so Lead's FBO check (non-posted + balances) adds up. event_type stands
-- where Lead's type and transfer_type go; lead-etl maps it.
select
  p.pending_id as transaction_id,
  p.balance_id,
  null::text as settlement_group_id,
  p.amount,
  p.currency::text as currency,
  null::numeric as amount_in_usd,
  p.event_type,
  p.reconciliation_note,
  p.settlement_date,
  null::text as transfer_id,
  p.description as statement_description,
  :as_of::timestamptz as effective_at
from ledger.pending_entries p
where p.settled_at < :window_end::timestamptz
  and (p.posted_at is null or p.posted_at >= :window_end::timestamptz)
order by p.pending_id collate "C"
