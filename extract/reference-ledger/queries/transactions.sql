-- Transactions (new entries only): each posted entry once, in the file of the day its effective_at
-- falls in, with the partner's event type translated to Lead's vocabulary.
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
  null::numeric as principal_amount,
  null::numeric as fee_amount,
  null::numeric as interest_amount,
  e.rewards_amount,
  t.lead_type as type,
  t.lead_fee_type as fee_type,
  t.lead_action as action,
  t.lead_transfer_type as transfer_type,
  e.settlement_date,
  e.effective_at
from ledger.ledger_entries e
join ledger.event_types t on t.event_type = e.event_type
left join ledger.cards c on c.card_id = e.card_id
where e.effective_at >= :window_start::timestamptz and e.effective_at < :window_end::timestamptz
order by e.entry_id collate "C"
