-- Accounts (new plus changed, each row a full overwrite): every account opened, re-statused or given a
-- new holder, signer or user during the activity day, as its whole record at the end of that day.
-- effective_at is the last change inside the day, so each update of an account carries a later
-- effective_at than the one Lead saw before.
with changes as (
  select account_id, opened_at as changed_at
  from ledger.accounts
  where opened_at >= :window_start::timestamptz and opened_at < :window_end::timestamptz
  union all
  select account_id, changed_at
  from ledger.account_status_history
  where changed_at >= :window_start::timestamptz and changed_at < :window_end::timestamptz
  union all
  select account_id, added_at
  from ledger.account_holders
  where added_at >= :window_start::timestamptz and added_at < :window_end::timestamptz
),
changed as (
  select account_id, max(changed_at) as effective_at
  from changes
  group by account_id
)
select
  a.account_id as client_account_id,
  null::text as application_id,
  a.holder_type as account_holder_type,
  parties.holders as account_holders,
  parties.signers as authorized_signers,
  parties.users as authorized_users,
  a.currency::text as currency,
  a.product_name as client_product_name,
  status_at_end.status,
  status_at_end.status_reason,
  -- Deposit accounts closed at the customer's request need no adverse action notice, and the program
  -- pulls no credit: these columns stay empty.
  null::timestamptz as aan_delivered_at,
  null::text as aan_reason,
  null::text as aan_delivery_method,
  null::timestamptz as credit_pulled_at,
  null::integer as credit_score,
  null::text as credit_report_source,
  null::numeric as credit_limit,
  null::numeric as max_credit_limit,
  null::numeric as available_credit,
  changed.effective_at
from changed
join ledger.accounts a on a.account_id = changed.account_id
cross join lateral (
  select h.status, h.status_reason
  from ledger.account_status_history h
  where h.account_id = a.account_id and h.changed_at < :window_end::timestamptz
  order by h.changed_at desc
  limit 1
) status_at_end
cross join lateral (
  -- array_agg over no rows is null, which the file writes as an empty field.
  select
    array_agg(p.customer_id order by p.customer_id collate "C") filter (where p.role = 'holder') as holders,
    array_agg(p.customer_id order by p.customer_id collate "C") filter (where p.role = 'signer') as signers,
    array_agg(p.customer_id order by p.customer_id collate "C") filter (where p.role = 'user') as users
  from ledger.account_holders p
  where p.account_id = a.account_id and p.added_at < :window_end::timestamptz
) parties
order by a.account_id collate "C"
