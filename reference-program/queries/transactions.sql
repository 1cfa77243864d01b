-- Transactions (new entries only): each posted entry once, in the file of the day its effective_at
-- falls in. The partner's own event_type stands where Lead's type, fee_type, action and transfer_type
-- go: lead-etl maps it through the program profile's table (event-type-map.json for this ledger).
-- Credit entries carry their split over principal, interest and fees (amount is their sum); deposit
-- entries leave the three empty. settlement_date is the date first recorded: later corrections go to
-- Lead in Transactions Update, never here.
select
  e.entry_id as client_transaction_id,
  e.balance_id,
  e.card_id,
  null::text as client_settlement_group_id,
  null::text as client_settlement_bank_account_id,
  c.bin::text as bin,
  e.amount,
  -- Every balance of the program is in USD, where Lead needs no conversion.
  null::numeric as amount_in_usd,
  e.currency::text as currency,
  e.principal_amount,
  e.fee_amount,
  e.interest_amount,
  e.rewards_amount,
  e.event_type,
  e.settlement_date,
  e.effective_at
from ledger.ledger_entries e
left join ledger.cards c on c.card_id = e.card_id
where e.effective_at >= :window_start::timestamptz and e.effective_at < :window_end::timestamptz
order by e.entry_id collate "C"
