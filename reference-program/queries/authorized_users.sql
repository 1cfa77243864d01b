-- Authorized Users (full overwrite): every account and user pair known by the end of the activity day:
-- active while the person may use the account, inactive once taken off it (a user leaving, or every user
-- of an account that closed). effective_at is the pair's latest change. Ordered by the record key
-- (account, entity). A program sending this file leaves the Accounts file's authorized_users empty
-- (accounts.sql reads :authorized_users_in).
with latest as (
  select distinct on (p.account_id, p.customer_id) p.account_id, p.customer_id, p.status, p.changed_at
  from ledger.account_party_history p
  where p.role = 'user' and p.changed_at < :window_end::timestamptz
  order by p.account_id, p.customer_id, p.changed_at desc
)
select
  l.customer_id as entity_id,
  l.account_id,
  case l.status when 'active' then 'active' else 'inactive' end as status,
  l.changed_at as effective_at
from latest l
order by l.account_id collate "C", l.customer_id collate "C"
