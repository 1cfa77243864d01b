-- Accounts (full overwrite): every account opened before the end of the activity day, each as its whole
-- record at that instant. lead-etl compares each record with what it sent before and sends the new and
-- changed ones, so nothing here filters on the day. effective_at is the instant of the record's latest
-- change before :window_end: the opening, a status change, a party added or removed, a new credit line,
-- and for a credit account each entry that moved what it owes (available_credit moves with it).
with status_at_end as (
  select distinct on (h.account_id) h.*
  from ledger.account_status_history h
  where h.changed_at < :window_end::timestamptz
  order by h.account_id, h.changed_at desc
),
party_at_end as (
  select distinct on (p.account_id, p.customer_id, p.role) p.*
  from ledger.account_party_history p
  where p.changed_at < :window_end::timestamptz
  order by p.account_id, p.customer_id, p.role, p.changed_at desc
),
parties as (
  -- array_agg over no rows is null, which the file writes as an empty field.
  select
    account_id,
    array_agg(customer_id order by customer_id collate "C") filter (where role = 'holder' and status = 'active') as holders,
    array_agg(customer_id order by customer_id collate "C") filter (where role = 'signer' and status = 'active') as signers,
    array_agg(customer_id order by customer_id collate "C") filter (where role = 'user' and status = 'active') as users,
    max(changed_at) as changed_at
  from party_at_end
  group by account_id
),
line_at_end as (
  select distinct on (l.account_id) l.account_id, l.changed_at, l.credit_limit, l.max_credit_limit
  from ledger.credit_limit_history l
  where l.changed_at < :window_end::timestamptz
  order by l.account_id, l.changed_at desc
),
owed as (
  select b.account_id, sum(e.amount * t.balance_effect) as balance, max(e.effective_at) as changed_at
  from ledger.balances b
  join ledger.ledger_entries e on e.balance_id = b.balance_id
  join ledger.event_types t on t.event_type = e.event_type
  where b.type = 'credit' and e.effective_at < :window_end::timestamptz
  group by b.account_id
)
select
  a.account_id as client_account_id,
  a.application_id,
  a.holder_type as account_holder_type,
  parties.holders as account_holders,
  parties.signers as authorized_signers,
  -- A program reports its authorized users here or in the Authorized Users file, never both (accounts.md):
  -- the program's profile says which, and lead-etl passes it as :authorized_users_in.
  case when :authorized_users_in = 'accounts_column' then parties.users end as authorized_users,
  a.currency::text as currency,
  a.product_name as client_product_name,
  s.status,
  s.status_reason,
  -- Only an account the program closed itself (client_closed) carries an adverse action notice.
  s.aan_delivered_at,
  s.aan_reason,
  s.aan_delivery_method,
  -- A credit account reports the bureau report its application was underwritten on.
  r.pulled_at as credit_pulled_at,
  r.score as credit_score,
  r.source as credit_report_source,
  line.credit_limit,
  line.max_credit_limit,
  case when line.account_id is not null then greatest(line.credit_limit - coalesce(owed.balance, 0), 0) end as available_credit,
  greatest(a.opened_at, s.changed_at, parties.changed_at, line.changed_at, owed.changed_at) as effective_at
from ledger.accounts a
join status_at_end s on s.account_id = a.account_id
left join parties on parties.account_id = a.account_id
left join line_at_end line on line.account_id = a.account_id
left join owed on owed.account_id = a.account_id
left join ledger.credit_reports r on r.application_id = a.application_id
where a.opened_at < :window_end::timestamptz
order by a.account_id collate "C"
