-- Sales Response: one answer per sale in Lead's Sales Request of the day (lead-etl passes its rows as
-- JSON in :sales_request). The reference partner buys every receivable of a credit balance it knows and
-- that is open; anything else is rejected with the reason, which Lead shows to people.
with request as (
  select r.sale_id, r.balance_id
  from json_to_recordset(:sales_request::json) as r(sale_id text, balance_id text)
),
status_at_end as (
  select distinct on (h.balance_id) h.balance_id, h.status
  from ledger.balance_status_history h
  where h.changed_at < :window_end::timestamptz
  order by h.balance_id, h.changed_at desc
)
select
  request.sale_id,
  'Reference Partner Receivables LLC' as purchasing_entity,
  case when b.balance_id is not null and b.type = 'credit' and s.status <> 'closed' then 'accepted' else 'rejected' end as response,
  case
    when b.balance_id is null then 'unknown balance ' || request.balance_id
    when b.type <> 'credit' then 'not a credit balance'
    when s.status = 'closed' then 'balance closed'
  end as reject_reason,
  :as_of::timestamptz as effective_at
from request
left join ledger.balances b on b.balance_id = request.balance_id
left join status_at_end s on s.balance_id = request.balance_id
order by request.sale_id collate "C"
