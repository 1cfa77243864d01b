-- Collaterals (full overwrite): every security deposit pledged to a secured card before the end of the
-- activity day, as the relationship between that deposit balance and the card account it secures. Its
-- value is the deposit balance's amount then (0.00 once the deposit was paid back at closing).
with pledged as (
  select e.balance_id, sum(e.amount * t.balance_effect) as amount
  from ledger.collaterals c
  join ledger.ledger_entries e on e.balance_id = c.balance_id
  join ledger.event_types t on t.event_type = e.event_type
  where e.effective_at < :window_end::timestamptz
  group by e.balance_id
)
select
  c.collateral_id as client_collateral_id,
  c.account_id,
  c.balance_id,
  c.type,
  coalesce(pledged.amount, 0) as value_usd
from ledger.collaterals c
left join pledged on pledged.balance_id = c.balance_id
where c.created_at < :window_end::timestamptz
order by c.collateral_id collate "C"
