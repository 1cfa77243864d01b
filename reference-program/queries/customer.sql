-- Customer (full overwrite, batch workflow): every customer onboarded before the end of the activity
-- day, as its whole record then. lead-etl compares each with what it sent before and sends the new and
-- changed ones in the day's batch. Only the columns Lead's schema page shows are returned (tax id,
-- address, contact and screening are in the ledger, for the columns a program profile adds once Lead
-- sends the rest of the schema). The headers are Lead's own spellings: inteded_roles, data_of_birth,
-- ocupation.
select
  c.customer_id as client_customer_id,
  c.kind as customer_type,
  c.intended_roles as inteded_roles,
  c.first_name,
  c.preferred_first_name,
  c.middle_name,
  c.last_name,
  c.date_of_birth as data_of_birth,
  c.occupation as ocupation,
  c.business_type,
  c.business_name,
  c.doing_business_as,
  c.website,
  -- Whole dollars and cents, as text: the page gives no type, the Entity API takes a string.
  c.gross_annual_revenue::numeric(20, 2)::text as business_gross_annual_revenue
from ledger.customers c
where c.created_at < :window_end::timestamptz
order by c.customer_id collate "C"
