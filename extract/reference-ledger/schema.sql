-- The reference ledger: what a fintech partner's PostgreSQL ledger of a deposit program with debit cards
-- looks like, kept with enough history that any past day can be extracted as of its end. The queries in
-- ./queries read it; the generator (generate.ts) fills it. Running this file again is harmless: objects
-- are created only when missing, and the event vocabulary is refreshed.
--
-- Money is numeric(20,4), signed from the customer's side: positive raises the customer's balance.
-- Every time is a timestamptz; dates that are calendar facts (settlement) are date.

create schema if not exists ledger;

create table if not exists ledger.customers (
  customer_id   text primary key check (customer_id ~ '^cus_[0-9]{6,}$'),
  kind          text not null check (kind in ('individual', 'business')),
  first_name    text,
  last_name     text,
  business_name text,
  email         text not null,
  created_at    timestamptz not null,
  constraint customers_name_matches_kind check (
    (kind = 'individual' and first_name is not null and last_name is not null and business_name is null)
    or (kind = 'business' and business_name is not null and first_name is null and last_name is null)
  )
);
comment on table ledger.customers is
  'People and businesses the program has onboarded (KYC/KYB done elsewhere). Ids are what Lead receives as client_customer_id.';

create table if not exists ledger.accounts (
  account_id   text primary key check (account_id ~ '^acc_[0-9]{6,}$'),
  product_name text not null,
  currency     char(3) not null check (currency ~ '^[A-Z]{3}$'),
  holder_type  text not null check (holder_type in ('consumer', 'commercial')),
  opened_at    timestamptz not null
);
comment on table ledger.accounts is
  'Deposit accounts: the compliance container Lead calls an Account. Status lives in account_status_history.';
create index if not exists accounts_opened_at on ledger.accounts (opened_at);

-- Status is history, not a column, so the status at the end of any past day can be read back.
create table if not exists ledger.account_status_history (
  account_id    text not null references ledger.accounts,
  changed_at    timestamptz not null,
  status        text not null,
  status_reason text not null,
  primary key (account_id, changed_at),
  constraint account_status_reason_matches check (
    (status = 'active' and status_reason = 'active')
    or (status = 'inactive' and status_reason in ('dormant', 'frozen', 'other'))
    or (status = 'closed' and status_reason in ('entity_closed', 'client_closed', 'paid_off', 'charged_off', 'canceled'))
  )
);
comment on table ledger.account_status_history is
  'Every status an account has had, from its opening (active) on. The row with the latest changed_at before an instant is the status at that instant.';
create index if not exists account_status_history_changed_at on ledger.account_status_history (changed_at);

create table if not exists ledger.account_holders (
  account_id  text not null references ledger.accounts,
  customer_id text not null references ledger.customers,
  role        text not null check (role in ('holder', 'signer', 'user')),
  added_at    timestamptz not null,
  primary key (account_id, customer_id, role)
);
comment on table ledger.account_holders is
  'Who may act on an account: holders own it, signers control a business account, users only spend with a card. One person may hold several roles.';
create index if not exists account_holders_added_at on ledger.account_holders (added_at);

create table if not exists ledger.balances (
  balance_id text primary key check (balance_id ~ '^bal_[0-9]{6,}$'),
  account_id text not null references ledger.accounts,
  name       text not null,
  type       text not null default 'deposit' check (type = 'deposit'),
  currency   char(3) not null check (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz not null
);
comment on table ledger.balances is
  'Pockets of money inside an account (Checking, Savings): what Lead calls a Balance. The amount is never stored; it is the sum of ledger_entries.';
create index if not exists balances_account_id on ledger.balances (account_id);

create table if not exists ledger.balance_status_history (
  balance_id    text not null references ledger.balances,
  changed_at    timestamptz not null,
  status        text not null,
  status_reason text not null,
  primary key (balance_id, changed_at),
  constraint balance_status_reason_matches check (
    (status = 'active' and status_reason = 'active')
    or (status = 'inactive' and status_reason in ('dormant', 'frozen', 'other'))
    or (status = 'closed' and status_reason in ('entity_closed', 'client_closed', 'paid_off', 'charged_off', 'canceled'))
  )
);
comment on table ledger.balance_status_history is
  'Every status a balance has had, from its creation (active) on; closed is terminal.';
create index if not exists balance_status_history_changed_at on ledger.balance_status_history (changed_at);

-- Card ids start crd_, not card_: Lead reserves the card_ prefix for its own ids (Cards file, future validation).
create table if not exists ledger.cards (
  card_id       text primary key check (card_id ~ '^crd_[0-9]{6,}$'),
  account_id    text not null references ledger.accounts,
  customer_id   text not null references ledger.customers,
  product_name  text not null,
  bin           char(6) not null check (bin ~ '^[0-9]{6}$'),
  last4         char(4) not null check (last4 ~ '^[0-9]{4}$'),
  is_virtual    boolean not null,
  issued_at     timestamptz not null,
  expires_on    date not null,
  closed_at     timestamptz,
  closed_reason text,
  constraint cards_closure_complete check ((closed_at is null) = (closed_reason is null)),
  constraint cards_closed_after_issue check (closed_at is null or closed_at >= issued_at)
);
comment on table ledger.cards is
  'Debit cards. customer_id is the cardholder, a holder or user of the account. A card is only ever closed once, so its closure is two columns rather than a history.';
create index if not exists cards_account_id on ledger.cards (account_id);

-- The partner's own vocabulary, mapped once to Lead's (the mapping Lead accounting signs off before
-- go-live). direction fixes the sign of every amount of that type.
create table if not exists ledger.event_types (
  event_type         text primary key check (event_type ~ '^[A-Z][A-Z0-9_]*$'),
  description        text not null,
  direction          text not null check (direction in ('credit', 'debit')),
  lead_type          text not null check (lead_type in (
    'debit', 'credit', 'refund', 'fee', 'disbursement', 'rewards_earned', 'rewards_spent', 'rewards_redeemed',
    'interest_accrued', 'interest_paid', 'dispute_provisional', 'dispute_won', 'dispute_lost', 'charge_off',
    'charge_off_recovery')),
  lead_transfer_type text not null check (lead_transfer_type in (
    'ach', 'wire', 'check', 'card', 'oct', 'aft', 'internal_transfer', 'external_transfer', 'no_money_movement',
    'out_of_bank_settlement')),
  lead_fee_type      text check (lead_fee_type in (
    'atm', 'overdraft', 'periodic_maintenance', 'card', 'international_transaction', 'other')),
  lead_action        text not null default 'applied' check (lead_action in ('applied', 'reversed')),
  constraint event_types_fee_type_only_on_fees check ((lead_type = 'fee') = (lead_fee_type is not null))
);
comment on table ledger.event_types is
  'The partner''s event vocabulary and its mapping to Lead''s type, transfer_type, fee_type and action.';

insert into ledger.event_types (event_type, description, direction, lead_type, lead_transfer_type, lead_fee_type) values
  ('CARD_PURCHASE',       'Debit card purchase at a merchant',                          'debit',  'debit',            'card',              null),
  ('CARD_REFUND',         'Merchant refund of a card purchase',                         'credit', 'refund',           'card',              null),
  ('ATM_WITHDRAWAL',      'Cash taken out at an ATM with the debit card',               'debit',  'debit',            'card',              null),
  ('ATM_FEE',             'Program fee for an out-of-network ATM withdrawal',           'debit',  'fee',              'internal_transfer', 'atm'),
  ('ACH_DEPOSIT',         'Incoming ACH credit: payroll, transfer in from another bank', 'credit', 'credit',           'ach',               null),
  ('ACH_WITHDRAWAL',      'Outgoing ACH: bill pay, transfer out to another bank',       'debit',  'debit',            'ach',               null),
  ('WIRE_IN',             'Incoming domestic wire',                                     'credit', 'credit',           'wire',              null),
  ('BALANCE_MIGRATION_IN', 'Launch-day balance brought over by wire from the previous bank', 'credit', 'credit',      'wire',              null),
  ('P2P_SEND',            'Payment to another customer of the program',                 'debit',  'debit',            'internal_transfer', null),
  ('P2P_RECEIVE',         'Payment from another customer of the program',               'credit', 'credit',           'internal_transfer', null),
  ('BOOK_TRANSFER_OUT',   'Move to another balance of the same account (sending side)', 'debit',  'debit',            'no_money_movement', null),
  ('BOOK_TRANSFER_IN',    'Move from another balance of the same account (receiving side)', 'credit', 'credit',       'no_money_movement', null),
  ('MAINTENANCE_FEE',     'Monthly account maintenance fee',                            'debit',  'fee',              'internal_transfer', 'periodic_maintenance'),
  ('INTEREST_ACCRUAL',    'Interest earned on savings for the day, not yet paid',       'credit', 'interest_accrued', 'no_money_movement', null),
  ('INTEREST_PAYOUT',     'Accrued interest paid into the balance on the cycle day',    'credit', 'interest_paid',    'internal_transfer', null),
  ('CASHBACK_REDEMPTION', 'Cashback rewards paid into the balance',                     'credit', 'rewards_redeemed', 'internal_transfer', null)
on conflict (event_type) do update set
  description = excluded.description,
  direction = excluded.direction,
  lead_type = excluded.lead_type,
  lead_transfer_type = excluded.lead_transfer_type,
  lead_fee_type = excluded.lead_fee_type,
  lead_action = excluded.lead_action;

-- effective_at is when the customer's available balance changed (Lead's effective_at, never updated);
-- recorded_at is when the row reached the ledger, later than effective_at for late arrivals.
create table if not exists ledger.ledger_entries (
  entry_id        text primary key check (entry_id ~ '^txn_[0-9]{6,}$'),
  balance_id      text not null references ledger.balances,
  event_type      text not null references ledger.event_types,
  amount          numeric(20, 4) not null check (amount <> 0),
  currency        char(3) not null check (currency ~ '^[A-Z]{3}$'),
  effective_at    timestamptz not null,
  settlement_date date not null,
  card_id         text references ledger.cards,
  rewards_amount  numeric(20, 4) check (rewards_amount <> 0),
  recorded_at     timestamptz not null,
  description     text not null
);
comment on table ledger.ledger_entries is
  'Posted entries, append-only: each moved a customer balance (or, for interest accrual, its accrued interest) at effective_at. rewards_amount is cashback earned (+) or given back (-) alongside the entry.';
create index if not exists ledger_entries_effective_at on ledger.ledger_entries (effective_at);
create index if not exists ledger_entries_balance_effective_at on ledger.ledger_entries (balance_id, effective_at);
create index if not exists ledger_entries_recorded_at on ledger.ledger_entries (recorded_at);

-- Money that reached the FBO before it reached a customer. When it posts, the ledger entry keeps the
-- pending id, so Lead can follow one transaction from Non-posted Transactions into Transactions.
create table if not exists ledger.pending_entries (
  pending_id          text primary key check (pending_id ~ '^txn_[0-9]{6,}$'),
  balance_id          text references ledger.balances,
  event_type          text not null references ledger.event_types,
  amount              numeric(20, 4) not null check (amount <> 0),
  currency            char(3) not null check (currency ~ '^[A-Z]{3}$'),
  settled_at          timestamptz not null,
  settlement_date     date not null,
  posted_at           timestamptz,
  posted_entry_id     text unique references ledger.ledger_entries,
  reconciliation_note text not null,
  description         text,
  constraint pending_entries_posting_complete check ((posted_at is null) = (posted_entry_id is null)),
  constraint pending_entries_posted_after_settled check (posted_at is null or posted_at >= settled_at)
);
comment on table ledger.pending_entries is
  'Funds settled into the FBO (settled_at) and not yet posted to a customer balance. balance_id is null while the beneficiary is unknown; posted_at and posted_entry_id are set when it posts.';
create index if not exists pending_entries_settled_at on ledger.pending_entries (settled_at);
create index if not exists pending_entries_posted_at on ledger.pending_entries (posted_at);
