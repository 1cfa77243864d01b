-- Cards (full overwrite): every card issued before the end of the activity day, as its whole record
-- then: active, inactive while its account is frozen, or closed (for good, with the reason and the card
-- that replaced a lost or stolen one). The fields Lead holds immutable come straight from the card and
-- its one closing row, so a re-sent card repeats them.
with status_at_end as (
  select distinct on (h.card_id) h.*
  from ledger.card_status_history h
  where h.changed_at < :window_end::timestamptz
  order by h.card_id, h.changed_at desc
)
select
  c.card_id as client_card_id,
  c.account_id,
  c.customer_id as entity_id,
  c.product_name as client_card_product_name,
  c.is_virtual,
  c.card_type,
  c.issued_at as created_at,
  s.status as card_status,
  c.activated_at,
  c.expires_on as expiry_date,
  case when s.status = 'closed' then s.changed_at end as closed_at,
  s.reason as closed_reason,
  s.replaced_by
from ledger.cards c
join status_at_end s on s.card_id = c.card_id
where c.issued_at < :window_end::timestamptz
order by c.card_id collate "C"
