-- Transactions Update (updates only, deposit): every settlement date corrected during the activity day,
-- for entries already sent in an earlier Transactions file (a correction is always made on a later day
-- than its entry). Only settlement_date changes; the latest correction of the day wins.
select distinct on (c.entry_id collate "C")
  c.entry_id as transaction_id,
  c.settlement_date,
  -- The ledger keeps no Lead transfer ids.
  null::text as transfer_id
from ledger.settlement_corrections c
where c.corrected_at >= :window_start::timestamptz and c.corrected_at < :window_end::timestamptz
order by c.entry_id collate "C", c.corrected_at desc
