-- Applications (full overwrite, credit products only): every application whose outcome was final by
-- the end of the activity day (approved, declined or canceled), as its whole record. Applications still
-- submitted or under review are not reported; a terminal application never changes again, so each is
-- sent once. A decline counts as final once its adverse action notice is out, so its AAN columns are
-- always all three filled; effective_at is that moment (the decision, or the notice if later).
with parties as (
  select
    p.application_id,
    array_agg(p.customer_id order by p.customer_id collate "C") filter (where p.role = 'holder') as holders,
    array_agg(p.customer_id order by p.customer_id collate "C") filter (where p.role = 'signer') as signers
  from ledger.application_parties p
  group by p.application_id
)
select
  a.application_id as client_application_id,
  a.holder_type as account_holder_type,
  parties.holders as account_holders,
  parties.signers as authorized_signers,
  a.currency::text as currency,
  a.product_name as client_product_name,
  a.is_secured,
  a.created_at,
  a.submitted_at,
  d.outcome as status,
  d.decided_at,
  d.decision_reason,
  d.aan_delivered_at,
  d.aan_reason,
  d.aan_delivery_method,
  d.is_exception_approval,
  -- The bureau report underwriting pulled (on the guarantor of a business card): all three or none.
  r.pulled_at as credit_pulled_at,
  r.score as credit_score,
  r.source as credit_report_source,
  d.credit_limit,
  d.max_credit_limit,
  greatest(d.decided_at, d.aan_delivered_at) as effective_at
from ledger.applications a
join ledger.application_decisions d on d.application_id = a.application_id
left join parties on parties.application_id = a.application_id
left join ledger.credit_reports r on r.application_id = a.application_id
where greatest(d.decided_at, d.aan_delivered_at) < :window_end::timestamptz
order by a.application_id collate "C"
