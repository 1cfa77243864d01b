-- Customer Relationship (full overwrite, batch workflow, sent with every Customer batch): every link of
-- an individual to a business or sole proprietorship known by the end of the activity day, as it stands
-- then: active, or deleted once the person left the role. One person may be both control person and
-- beneficial owner of a business: two records, the role being part of the key. Ordered by the record
-- key (individual, parent, role).
with latest as (
  select distinct on (r.business_id, r.individual_id, r.relationship_type) r.*
  from ledger.customer_relationship_history r
  where r.changed_at < :window_end::timestamptz
  order by r.business_id, r.individual_id, r.relationship_type, r.changed_at desc
)
select
  l.individual_id as client_individual_id,
  case when parent.kind = 'business' then l.business_id end as client_business_id,
  case when parent.kind = 'sole_prop' then l.business_id end as client_sole_prop_id,
  l.status,
  l.relationship_type,
  -- The day the person took the role at the business. Lead's page cuts off before giving the type; its
  -- columns ending in _at are ISO 8601 datetimes everywhere else, so the day is sent as its first instant
  -- in Central Time.
  (l.established_on::timestamp at time zone 'America/Chicago') as relationship_established_at
from latest l
join ledger.customers parent on parent.customer_id = l.business_id
order by l.individual_id collate "C", l.business_id collate "C", l.relationship_type collate "C"
