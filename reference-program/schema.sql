-- The reference ledger: what a fintech partner's PostgreSQL ledger looks like when it runs a deposit
-- program with debit cards and a credit-card program (consumer, secured and business cards), kept with
-- enough history that any past day can be extracted as of its end. The queries in ./queries read it; the
-- generator (generate.ts) fills it. Running this file again is harmless: objects are created only when
-- missing, and the event vocabulary is refreshed.
--
-- Money is numeric(20,4), signed from the balance's side: positive raises the balance (money held on a
-- deposit balance, the amount owed on a credit balance). Every time is a timestamptz; dates that are
-- calendar facts (settlement, birth, expiry) are date. Nothing is updated after it is written: whatever
-- changes (statuses, contact details, parties, limits) is a history table, read back as "the latest row
-- before the instant".

create schema if not exists ledger;

-- Who the program has onboarded. The facts fixed at onboarding live here; contact details change, so they
-- are history (customer_contact_history).
create table if not exists ledger.customers (
  customer_id          text primary key check (customer_id ~ '^cus_[0-9]{6,}$'),
  kind                 text not null check (kind in ('individual', 'business', 'sole_prop')),
  -- The roles the customer was onboarded for; the KYC collected matches them (an authorized user gets
  -- name and contact only).
  intended_roles       text[] not null default '{}'
    check (intended_roles <@ array['account_holder', 'authorized_signer', 'authorized_user']::text[]),
  first_name           text,
  preferred_first_name text,
  middle_name          text,
  last_name            text,
  date_of_birth        date,
  occupation           text,
  business_name        text,
  business_type        text check (business_type in ('corporation', 'partnership', 'sole_prop', 'llc', 'trust', 'cooperative', 'other')),
  doing_business_as    text,
  website              text check (website ~ '^https?://'),
  naics_code           text check (naics_code ~ '^[0-9]{2,6}$'),
  gross_annual_revenue numeric(20, 4) check (gross_annual_revenue >= 0),
  tax_id_type          text check (tax_id_type in ('ssn', 'ein')),
  tax_id               text check (tax_id ~ '^[0-8][0-9]{8}$'),
  kyc_result           text check (kyc_result in ('pending', 'passed', 'failed')),
  ofac_result          text check (ofac_result in ('pending', 'passed', 'failed')),
  screened_at          timestamptz,
  risk_score           text check (risk_score in ('low', 'medium', 'high')),
  created_at           timestamptz not null,
  constraint customers_name_matches_kind check (
    (kind = 'individual' and first_name is not null and last_name is not null and business_name is null and business_type is null)
    or (kind = 'business' and business_name is not null and business_type is not null and first_name is null and last_name is null)
    or (kind = 'sole_prop' and business_name is not null and business_type = 'sole_prop' and first_name is null and last_name is null)
  ),
  constraint customers_tax_id_complete check ((tax_id_type is null) = (tax_id is null)),
  constraint customers_tax_id_matches_kind check (tax_id_type is null or (tax_id_type = 'ssn') = (kind = 'individual')),
  constraint customers_screening_complete check ((screened_at is null) = (kyc_result is null) and (screened_at is null) = (ofac_result is null))
);
comment on table ledger.customers is
  'People, businesses and sole proprietorships the program has onboarded. Ids are what Lead receives as client_customer_id.';
create index if not exists customers_created_at on ledger.customers (created_at);

create table if not exists ledger.customer_contact_history (
  customer_id    text not null references ledger.customers,
  changed_at     timestamptz not null,
  email          text not null check (email ~ '^[^@\s]+@[^@\s]+$'),
  -- E.123 international notation: +1 312 555 0142.
  phone          text not null check (phone ~ '^\+1 [0-9]{3} [0-9]{3} [0-9]{4}$'),
  address_line_1 text,
  address_line_2 text,
  city           text,
  state          char(2) check (state ~ '^[A-Z]{2}$'),
  postal_code    text check (postal_code ~ '^[0-9]{5}([0-9]{4})?$'),
  country        char(2) check (country ~ '^[A-Z]{2}$'),
  primary key (customer_id, changed_at),
  constraint customer_address_complete check (
    (address_line_1 is null) = (city is null) and (city is null) = (state is null)
    and (state is null) = (postal_code is null) and (postal_code is null) = (country is null)
    and (address_line_2 is null or address_line_1 is not null)
  )
);
comment on table ledger.customer_contact_history is
  'Every version of a customer''s contact details (email, phone, physical address), from onboarding on. A move or a new email is a new row; authorized users have no address.';
create index if not exists customer_contact_history_changed_at on ledger.customer_contact_history (changed_at);

-- The people behind a business or sole proprietorship, as Lead's Customer Relationship file links them.
create table if not exists ledger.customer_relationship_history (
  business_id          text not null references ledger.customers,
  individual_id        text not null references ledger.customers,
  relationship_type    text not null check (relationship_type in ('beneficial_owner', 'control_person', 'sole_proprietor')),
  changed_at           timestamptz not null,
  status               text not null check (status in ('active', 'deleted')),
  ownership_percentage numeric(5, 2) check (ownership_percentage > 0 and ownership_percentage <= 100),
  title                text,
  established_on       date not null,
  primary key (business_id, individual_id, relationship_type, changed_at),
  constraint relationship_ownership_of_owners check ((relationship_type = 'control_person') = (ownership_percentage is null) or relationship_type = 'sole_proprietor')
);
comment on table ledger.customer_relationship_history is
  'Every version of each (business, individual, role) link: control persons, beneficial owners (25% or more) and the sole proprietor. A removal is a deleted row; established_on is when the role began at the business.';
create index if not exists customer_relationship_history_changed_at on ledger.customer_relationship_history (changed_at);

-- Credit applications. Ids start app_, not application_: Lead reserves that prefix.
create table if not exists ledger.applications (
  application_id    text primary key check (application_id ~ '^app_[0-9]{6,}$'),
  product_name      text not null,
  holder_type       text not null check (holder_type in ('consumer', 'commercial')),
  is_secured        boolean not null,
  currency          char(3) not null check (currency ~ '^[A-Z]{3}$'),
  created_at        timestamptz not null,
  submitted_at      timestamptz not null check (submitted_at >= created_at),
  -- Set when underwriting could not decide at once and a person took it up: status under_review.
  review_started_at timestamptz check (review_started_at >= submitted_at)
);
comment on table ledger.applications is
  'Credit applications, started (created_at) and submitted. Until a row in application_decisions exists and has happened, an application is submitted or under review.';
create index if not exists applications_created_at on ledger.applications (created_at);

create table if not exists ledger.application_parties (
  application_id text not null references ledger.applications,
  customer_id    text not null references ledger.customers,
  role           text not null check (role in ('holder', 'signer')),
  primary key (application_id, customer_id, role)
);
comment on table ledger.application_parties is
  'Who applied: the holder(s) (one business or sole prop for a commercial card) and, for a commercial card, the authorized signer(s).';

create table if not exists ledger.credit_reports (
  application_id text primary key references ledger.applications,
  pulled_at      timestamptz not null,
  score          integer not null check (score between 300 and 850),
  source         text not null check (source in ('equifax', 'experian', 'transunion'))
);
comment on table ledger.credit_reports is
  'The bureau report underwriting pulled (on the guarantor for a commercial card). Applications withdrawn before the pull have none.';

create table if not exists ledger.application_decisions (
  application_id        text primary key references ledger.applications,
  decided_at            timestamptz not null,
  outcome               text not null check (outcome in ('approved', 'declined', 'canceled')),
  decision_reason       text not null,
  is_exception_approval boolean not null default false,
  credit_limit          numeric(20, 4) check (credit_limit > 0),
  max_credit_limit      numeric(20, 4) check (max_credit_limit > 0),
  aan_delivered_at      timestamptz check (aan_delivered_at >= decided_at),
  aan_reason            text,
  aan_delivery_method   text check (aan_delivery_method in ('email', 'text', 'other')),
  constraint decision_limits_on_approval check (
    (outcome = 'approved') = (credit_limit is not null) and (credit_limit is null) = (max_credit_limit is null)
    and (credit_limit is null or credit_limit <= max_credit_limit)
  ),
  constraint decision_aan_complete check (
    (aan_delivered_at is null) = (aan_reason is null) and (aan_reason is null) = (aan_delivery_method is null)
  ),
  constraint decision_aan_on_decline check ((outcome = 'declined') = (aan_delivered_at is not null)),
  constraint decision_exception_only_approved check (outcome = 'approved' or not is_exception_approval)
);
comment on table ledger.application_decisions is
  'The final outcome of an application: approved (with the limits granted), declined (with the adverse action notice, delivered shortly after) or canceled (the applicant withdrew).';
create index if not exists application_decisions_decided_at on ledger.application_decisions (decided_at);

create table if not exists ledger.accounts (
  account_id     text primary key check (account_id ~ '^acc_[0-9]{6,}$'),
  -- The approved application a credit account was opened from; null for deposit accounts.
  application_id text unique references ledger.applications,
  product_name   text not null,
  currency       char(3) not null check (currency ~ '^[A-Z]{3}$'),
  holder_type    text not null check (holder_type in ('consumer', 'commercial')),
  opened_at      timestamptz not null
);
comment on table ledger.accounts is
  'Deposit and credit-card accounts: the compliance container Lead calls an Account. Status lives in account_status_history, parties in account_party_history, credit limits in credit_limit_history.';
create index if not exists accounts_opened_at on ledger.accounts (opened_at);

-- Status is history, not a column, so the status at the end of any past day can be read back.
create table if not exists ledger.account_status_history (
  account_id          text not null references ledger.accounts,
  changed_at          timestamptz not null,
  status              text not null,
  status_reason       text not null,
  -- The adverse action notice sent when the program itself closes an account (client_closed).
  aan_delivered_at    timestamptz check (aan_delivered_at <= changed_at),
  aan_reason          text,
  aan_delivery_method text check (aan_delivery_method in ('email', 'text', 'other')),
  primary key (account_id, changed_at),
  constraint account_status_reason_matches check (
    (status = 'active' and status_reason = 'active')
    or (status = 'inactive' and status_reason in ('dormant', 'frozen', 'other'))
    or (status = 'closed' and status_reason in ('entity_closed', 'client_closed', 'paid_off', 'charged_off', 'canceled'))
  ),
  constraint account_status_aan_complete check (
    (aan_delivered_at is null) = (aan_reason is null) and (aan_reason is null) = (aan_delivery_method is null)
  ),
  constraint account_status_aan_on_client_closed check ((status_reason = 'client_closed') = (aan_delivered_at is not null))
);
comment on table ledger.account_status_history is
  'Every status an account has had, from its opening (active) on. The row with the latest changed_at before an instant is the status at that instant.';
create index if not exists account_status_history_changed_at on ledger.account_status_history (changed_at);

create table if not exists ledger.account_party_history (
  account_id  text not null references ledger.accounts,
  customer_id text not null references ledger.customers,
  role        text not null check (role in ('holder', 'signer', 'user')),
  changed_at  timestamptz not null,
  status      text not null check (status in ('active', 'removed')),
  primary key (account_id, customer_id, role, changed_at)
);
comment on table ledger.account_party_history is
  'Who may act on an account, as history: holders own it, signers control a commercial account, users only spend with a card. One person may hold several roles; a user taken off the account gets a removed row.';
create index if not exists account_party_history_changed_at on ledger.account_party_history (changed_at);

create table if not exists ledger.credit_limit_history (
  account_id       text not null references ledger.accounts,
  changed_at       timestamptz not null,
  credit_limit     numeric(20, 4) not null check (credit_limit > 0),
  max_credit_limit numeric(20, 4) not null check (max_credit_limit > 0),
  primary key (account_id, changed_at),
  constraint credit_limit_within_max check (credit_limit <= max_credit_limit)
);
comment on table ledger.credit_limit_history is
  'The credit line of each credit account: granted at opening (as approved), then raised or lowered by line management up to the approved maximum.';
create index if not exists credit_limit_history_changed_at on ledger.credit_limit_history (changed_at);

create table if not exists ledger.balances (
  balance_id text primary key check (balance_id ~ '^bal_[0-9]{6,}$'),
  account_id text not null references ledger.accounts,
  name       text not null,
  type       text not null default 'deposit' check (type in ('deposit', 'credit')),
  currency   char(3) not null check (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz not null
);
comment on table ledger.balances is
  'Pockets of money inside an account (Checking, Savings, a secured card''s Security Deposit) and the card line of a credit account: what Lead calls a Balance. The amount is never stored; it is the sum of ledger_entries.';
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
  card_id      text primary key check (card_id ~ '^crd_[0-9]{6,}$'),
  account_id   text not null references ledger.accounts,
  customer_id  text not null references ledger.customers,
  product_name text not null,
  card_type    text not null check (card_type in ('consumer', 'commercial')),
  bin          char(6) not null check (bin ~ '^[0-9]{6}$'),
  last4        char(4) not null check (last4 ~ '^[0-9]{4}$'),
  is_virtual   boolean not null,
  issued_at    timestamptz not null,
  -- Cards are usable from issue (digital wallet first), so activation is the issue instant.
  activated_at timestamptz not null check (activated_at >= issued_at),
  expires_on   date not null
);
comment on table ledger.cards is
  'Debit and credit cards. customer_id is the cardholder, a holder or user of the account. Status lives in card_status_history.';
create index if not exists cards_account_id on ledger.cards (account_id);

create table if not exists ledger.card_status_history (
  card_id     text not null references ledger.cards,
  changed_at  timestamptz not null,
  status      text not null check (status in ('active', 'inactive', 'closed')),
  reason      text,
  -- A lost or stolen card is closed in the same instant its replacement is issued.
  replaced_by text references ledger.cards,
  primary key (card_id, changed_at),
  constraint card_closure_has_reason check ((status = 'closed') = (reason is not null)),
  constraint card_replacement_on_closure check (replaced_by is null or status = 'closed')
);
comment on table ledger.card_status_history is
  'Every status a card has had: active from issue, inactive while its account is frozen, closed once (terminal), with the reason and any replacement.';
create index if not exists card_status_history_changed_at on ledger.card_status_history (changed_at);

-- A secured card's security deposit, pledged to the card line of the same account.
create table if not exists ledger.collaterals (
  collateral_id  text primary key check (collateral_id ~ '^col_[0-9]{6,}$'),
  account_id     text not null references ledger.accounts,
  application_id text not null references ledger.applications,
  balance_id     text not null unique references ledger.balances,
  type           text not null check (type = 'deposit_balance'),
  created_at     timestamptz not null
);
comment on table ledger.collaterals is
  'What secures a credit account: the deposit balance pledged to a secured card. Its value is that balance''s amount; status lives in collateral_status_history.';

create table if not exists ledger.collateral_status_history (
  collateral_id text not null references ledger.collaterals,
  changed_at    timestamptz not null,
  status        text not null check (status in ('active', 'inactive')),
  primary key (collateral_id, changed_at)
);
comment on table ledger.collateral_status_history is
  'active from the moment the deposit is pledged; inactive once it is released (the deposit returned when the card closes).';
create index if not exists collateral_status_history_changed_at on ledger.collateral_status_history (changed_at);

-- The partner's own event vocabulary. It says what the partner's books need: which product an event
-- belongs to, whether it is a debit or a credit to the customer's account, and how it moves the running
-- totals the partner keeps. Lead's vocabulary (type, transfer_type, fee_type, action) is not here: the
-- mapping lives beside the queries, in event-type-map.json, and lead-etl applies it.
--   amount sign      a credit raises a deposit balance and lowers what a card owes; a debit the reverse
--   balance_effect   1 when the amount moves the customer's balance (deposit: available money; credit:
--                    the amount owed); 0 for deposit interest accrued but not yet paid
--   accrued_interest_effect  how the amount moves a deposit balance's interest accrued and not yet paid
create table if not exists ledger.event_types (
  event_type              text primary key check (event_type ~ '^[A-Z][A-Z0-9_]*$'),
  description             text not null,
  product                 text not null check (product in ('deposit', 'credit')),
  direction               text not null check (direction in ('credit', 'debit')),
  balance_effect          smallint not null check (balance_effect in (0, 1)),
  accrued_interest_effect smallint not null default 0 check (accrued_interest_effect in (-1, 0, 1))
);
comment on table ledger.event_types is
  'The partner''s event vocabulary and how each event moves its books. Mapped to Lead''s vocabulary by event-type-map.json, outside the ledger.';

insert into ledger.event_types (event_type, description, product, direction, balance_effect, accrued_interest_effect) values
  ('CARD_PURCHASE',          'Debit card purchase at a merchant',                                   'deposit', 'debit',  1, 0),
  ('CARD_REFUND',            'Merchant refund of a debit card purchase',                            'deposit', 'credit', 1, 0),
  ('ATM_WITHDRAWAL',         'Cash taken out at an ATM with the debit card',                        'deposit', 'debit',  1, 0),
  ('ATM_FEE',                'Program fee for an out-of-network ATM withdrawal',                    'deposit', 'debit',  1, 0),
  ('ACH_DEPOSIT',            'Incoming ACH credit: payroll, transfer in from another bank',         'deposit', 'credit', 1, 0),
  ('ACH_WITHDRAWAL',         'Outgoing ACH: bill pay, transfer out to another bank',                'deposit', 'debit',  1, 0),
  ('WIRE_IN',                'Incoming domestic wire',                                              'deposit', 'credit', 1, 0),
  ('BALANCE_MIGRATION_IN',   'Launch-day balance brought over by wire from the previous bank',      'deposit', 'credit', 1, 0),
  ('P2P_SEND',               'Payment to another customer of the program',                          'deposit', 'debit',  1, 0),
  ('P2P_RECEIVE',            'Payment from another customer of the program',                        'deposit', 'credit', 1, 0),
  ('BOOK_TRANSFER_OUT',      'Move to another balance of the same account (sending side)',          'deposit', 'debit',  1, 0),
  ('BOOK_TRANSFER_IN',       'Move from another balance of the same account (receiving side)',      'deposit', 'credit', 1, 0),
  ('MAINTENANCE_FEE',        'Monthly account maintenance fee',                                     'deposit', 'debit',  1, 0),
  ('INTEREST_ACCRUAL',       'Interest earned on savings for the day, not yet paid',                'deposit', 'credit', 0, 1),
  ('INTEREST_PAYOUT',        'Accrued interest paid into the balance on the cycle day',             'deposit', 'credit', 1, -1),
  ('CASHBACK_REDEMPTION',    'Cashback rewards paid into the balance',                              'deposit', 'credit', 1, 0),
  ('SECURITY_DEPOSIT_IN',    'Security deposit for a secured card, pulled by ACH from the applicant''s bank', 'deposit', 'credit', 1, 0),
  ('SECURITY_DEPOSIT_RETURN', 'Security deposit paid back by ACH when the secured card closes',     'deposit', 'debit',  1, 0),
  ('CC_PURCHASE',            'Credit card purchase: a draw on the credit line',                     'credit',  'debit',  1, 0),
  ('CC_REFUND',              'Merchant refund of a credit card purchase',                           'credit',  'credit', 1, 0),
  ('CC_PAYMENT',             'Card payment by ACH from the customer''s bank, applied to fees, then interest, then principal', 'credit', 'credit', 1, 0),
  ('CC_PAYMENT_RETURNED',    'A card payment returned unpaid by the customer''s bank; its allocation is undone', 'credit', 'debit', 1, 0),
  ('CC_INTEREST',            'Daily interest charged on the outstanding principal',                 'credit',  'debit',  1, 0),
  ('CC_FOREIGN_FEE',         'Foreign transaction fee on a purchase at a merchant abroad',          'credit',  'debit',  1, 0),
  ('CC_ANNUAL_FEE',          'Annual card fee, charged the day after the account opens',            'credit',  'debit',  1, 0),
  ('CC_RETURNED_PAYMENT_FEE', 'Fee for a payment returned unpaid',                                  'credit',  'debit',  1, 0)
on conflict (event_type) do update set
  description = excluded.description,
  product = excluded.product,
  direction = excluded.direction,
  balance_effect = excluded.balance_effect,
  accrued_interest_effect = excluded.accrued_interest_effect;

-- effective_at is when the customer's balance changed (Lead's effective_at, never updated); recorded_at
-- is when the row reached the ledger: later than effective_at for an entry that arrived late (a card
-- network's delayed clearing, an offline terminal), after its day's files may already have gone out.
create table if not exists ledger.ledger_entries (
  entry_id         text primary key check (entry_id ~ '^txn_[0-9]{6,}$'),
  balance_id       text not null references ledger.balances,
  event_type       text not null references ledger.event_types,
  amount           numeric(20, 4) not null check (amount <> 0),
  currency         char(3) not null check (currency ~ '^[A-Z]{3}$'),
  -- Credit balances only: how the amount splits over what is owed, so the balance always equals
  -- outstanding principal + interest + fees. All three or none.
  principal_amount numeric(20, 4),
  interest_amount  numeric(20, 4),
  fee_amount       numeric(20, 4),
  effective_at     timestamptz not null,
  settlement_date  date not null,
  card_id          text references ledger.cards,
  rewards_amount   numeric(20, 4) check (rewards_amount <> 0),
  recorded_at      timestamptz not null check (recorded_at >= effective_at),
  description      text not null,
  constraint ledger_entries_components_complete check (
    (principal_amount is null) = (interest_amount is null) and (interest_amount is null) = (fee_amount is null)
  ),
  constraint ledger_entries_components_add_up check (
    principal_amount is null or amount = principal_amount + interest_amount + fee_amount
  )
);
comment on table ledger.ledger_entries is
  'Posted entries, append-only: each moved a balance (or, for deposit interest accrual, its accrued interest) at effective_at. rewards_amount is cashback earned (+) or given back (-) alongside the entry.';
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

-- An ACH or wire that did not settle on the date first forecast (held for review, returned to the
-- queue): the entry keeps its original settlement_date, and each correction is a row here.
create table if not exists ledger.settlement_corrections (
  entry_id        text not null references ledger.ledger_entries,
  corrected_at    timestamptz not null,
  settlement_date date not null,
  reason          text not null,
  primary key (entry_id, corrected_at)
);
comment on table ledger.settlement_corrections is
  'Corrections of a posted entry''s settlement date, made on a later day. The latest correction before an instant is the settlement date known then.';
create index if not exists settlement_corrections_corrected_at on ledger.settlement_corrections (corrected_at);
