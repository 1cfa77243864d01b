import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/**
 * The state store's schema, in numbered migrations applied by `lead-etl migrate`. Each migration is a
 * list of single statements because PGlite runs one statement per call.
 */
export const STATE_SCHEMA = 'lead_etl';

async function run(db: Kysely<any>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

const quoteList = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

// Migrations are frozen history: each writes the statuses and transitions of its own time as literals.
const STATUSES_0001 = ['built', 'uploading', 'uploaded', 'validated', 'rejected', 'abandoned'];
const TRANSITIONS_0001 = [['built', 'uploading'], ['built', 'abandoned'], ['uploading', 'uploaded'], ['uploaded', 'validated'], ['uploaded', 'rejected']];

// The file guard of 0001, before 0008 added batch_id to a file's identity; 0008's down() restores it.
const GUARD_FILE_0001 = `
       begin
         if tg_op = 'DELETE' then
           raise exception 'lead_etl.file rows are never deleted: a version number is never reused' using errcode = 'restrict_violation';
         end if;
         if (new.file_date, new.file_type, new.version, new.name, new.sha256, new.byte_count, new.row_count)
            is distinct from (old.file_date, old.file_type, old.version, old.name, old.sha256, old.byte_count, old.row_count) then
           raise exception 'file %: its identity and content fields never change', old.name using errcode = 'check_violation';
         end if;
         if new.status <> old.status and not exists (
              select 1 from lead_etl.file_transition t where t.from_status = old.status and t.to_status = new.status) then
           raise exception 'file %: % -> % is not an allowed transition', old.name, old.status, new.status using errcode = 'check_violation';
         end if;
         return new;
       end `;

const m0001_files: Migration = {
  async up(db) {
    await run(db, [
      `create table lead_etl.file_status (status text primary key)`,
      `insert into lead_etl.file_status (status) values ${STATUSES_0001.map((s) => `('${s}')`).join(', ')}`,
      `create table lead_etl.file_transition (
         from_status text not null references lead_etl.file_status,
         to_status text not null references lead_etl.file_status,
         primary key (from_status, to_status))`,
      `insert into lead_etl.file_transition (from_status, to_status) values ${TRANSITIONS_0001.map(([a, b]) => `('${a}', '${b}')`).join(', ')}`,

      `create table lead_etl.run (
         run_id text primary key,
         command text not null,
         file_date date,
         started_at timestamptz not null,
         finished_at timestamptz,
         outcome text check (outcome in ('ok', 'waiting', 'failed')),
         summary text)`,

      `create table lead_etl.file (
         id bigint generated always as identity primary key,
         file_date date not null,
         file_type text not null,
         version integer not null check (version >= 1),
         name text not null unique,
         status text not null references lead_etl.file_status,
         sha256 char(64) not null check (sha256 ~ '^[0-9a-f]{64}$'),
         row_count integer not null check (row_count >= 0),
         byte_count bigint not null check (byte_count > 0),
         archive_path text not null,
         remote_path text not null,
         run_id text not null references lead_etl.run,
         reason text,
         built_at timestamptz not null,
         upload_started_at timestamptz,
         uploaded_at timestamptz,
         acknowledged_at timestamptz,
         updated_at timestamptz not null,
         unique (file_date, file_type, version))`,
      // At most one file per date and type is in play; a new version is allowed only once the previous one is replaced.
      `create unique index file_one_live_version on lead_etl.file (file_date, file_type)
         where status not in ('rejected', 'abandoned')`,

      `create table lead_etl.file_event (
         id bigint generated always as identity primary key,
         file_id bigint not null references lead_etl.file,
         from_status text,
         to_status text not null,
         at timestamptz not null default now(),
         detail text)`,

      `create function lead_etl.guard_file() returns trigger language plpgsql as $$${GUARD_FILE_0001}$$`,
      `create trigger file_guard before update or delete on lead_etl.file for each row execute function lead_etl.guard_file()`,

      `create function lead_etl.log_file_event() returns trigger language plpgsql as $$
       begin
         if tg_op = 'INSERT' then
           insert into lead_etl.file_event (file_id, from_status, to_status, at) values (new.id, null, new.status, new.updated_at);
         elsif new.status <> old.status then
           insert into lead_etl.file_event (file_id, from_status, to_status, at, detail) values (new.id, old.status, new.status, new.updated_at, new.reason);
         end if;
         return null;
       end $$`,
      `create trigger file_event_log after insert or update on lead_etl.file for each row execute function lead_etl.log_file_event()`,

      `create table lead_etl.acknowledgement (
         id bigint generated always as identity primary key,
         file_date date not null,
         workflow text not null,
         outcome text not null check (outcome in ('validated', 'rejected')),
         source text not null,
         file_name text,
         note text,
         recorded_at timestamptz not null)`,

      `create table lead_etl.run_problem (
         id bigint generated always as identity primary key,
         run_id text not null references lead_etl.run,
         file_date date not null,
         file_type text not null,
         line integer,
         record_id text,
         column_name text,
         rule text not null,
         message text not null)`,
    ]);
  },
  async down(db) {
    await run(db, [
      'drop table lead_etl.run_problem', 'drop table lead_etl.acknowledgement', 'drop table lead_etl.file_event',
      'drop table lead_etl.file', 'drop function lead_etl.guard_file', 'drop function lead_etl.log_file_event',
      'drop table lead_etl.run', 'drop table lead_etl.file_transition', 'drop table lead_etl.file_status',
    ]);
  },
};

/**
 * What each file carried, record by record, so the submission rules can be applied: a full-overwrite
 * record is re-sent only when its canonical hash changed, a new-only entry is never sent twice, an
 * update names an entry already sent. Rows belong to a file version; those of a rejected or abandoned
 * version do not count as sent.
 */
const m0002_submitted_records: Migration = {
  async up(db) {
    await run(db, [
      `create table lead_etl.submitted_record (
         file_id bigint not null references lead_etl.file,
         file_type text not null,
         record_id text not null,
         content_hash char(64) not null,
         effective_at timestamptz,
         terminal boolean not null default false,
         tracked jsonb,
         primary key (file_id, record_id))`,
      `create index submitted_record_lookup on lead_etl.submitted_record (file_type, record_id, file_id desc)`,
      // Entries that reached the ledger after their day was sent: reported, never slipped into another day.
      `create table lead_etl.late_entry (
         file_type text not null,
         record_id text not null,
         belongs_to_file_date date not null,
         detected_run_id text not null references lead_etl.run,
         detected_at timestamptz not null,
         resolution text,
         primary key (file_type, record_id))`,
    ]);
  },
  async down(db) {
    await run(db, ['drop table lead_etl.late_entry', 'drop table lead_etl.submitted_record']);
  },
};

/**
 * Documents the compliance files reference: uploaded once each to Lead's documents folder, before the
 * first file that names them.
 */
const m0003_documents: Migration = {
  async up(db) {
    await run(db, [
      `create table lead_etl.document (
         document_id text primary key,
         sha256 char(64) not null,
         byte_count bigint not null,
         remote_path text not null,
         uploaded_at timestamptz not null)`,
      `create table lead_etl.file_document (
         file_id bigint not null references lead_etl.file,
         document_id text not null,
         primary key (file_id, document_id))`,
    ]);
  },
  async down(db) {
    await run(db, ['drop table lead_etl.file_document', 'drop table lead_etl.document']);
  },
};

/**
 * Files Lead writes (the daily Sales Request), as downloaded and archived, and the Sales Request rows,
 * so the Sales Response can be built from them and the partner's decisions.
 */
const m0004_inbound: Migration = {
  async up(db) {
    await run(db, [
      `create table lead_etl.inbound_file (
         id bigint generated always as identity primary key,
         file_date date not null,
         file_type text not null,
         name text not null unique,
         sha256 char(64) not null,
         row_count integer not null,
         byte_count bigint not null,
         archive_path text not null,
         remote_path text not null,
         downloaded_at timestamptz not null)`,
      `create table lead_etl.sales_request_row (
         sale_id text primary key,
         inbound_file_id bigint not null references lead_etl.inbound_file,
         file_date date not null,
         balance_id text not null,
         start_date date not null,
         sale_date date not null,
         funded_amount numeric,
         outstanding_principal numeric not null,
         settled_transactions_amount numeric not null,
         imputed_interest_accrued numeric not null,
         settlement_amount numeric not null,
         currency char(3) not null)`,
      `create index sales_request_row_file_date on lead_etl.sales_request_row (file_date)`,
    ]);
  },
  async down(db) {
    await run(db, ['drop table lead_etl.sales_request_row', 'drop table lead_etl.inbound_file']);
  },
};

/**
 * An operator may replace a file Lead has not rejected (`lead-etl rerun --files`): the sent version is
 * superseded by the next one. A superseded version, like a rejected one, no longer counts as sent.
 */
const REPLACEABLE_0005 = ['rejected', 'abandoned', 'superseded'];

const m0005_superseded: Migration = {
  async up(db) {
    await run(db, [
      `insert into lead_etl.file_status (status) values ('superseded')`,
      `insert into lead_etl.file_transition (from_status, to_status) values ('uploaded', 'superseded')`,
      `drop index lead_etl.file_one_live_version`,
      `create unique index file_one_live_version on lead_etl.file (file_date, file_type)
         where status not in (${quoteList(REPLACEABLE_0005)})`,
    ]);
  },
  async down(db) {
    await run(db, [
      `drop index lead_etl.file_one_live_version`,
      `create unique index file_one_live_version on lead_etl.file (file_date, file_type) where status not in ('rejected', 'abandoned')`,
      `delete from lead_etl.file_transition where to_status = 'superseded'`,
      `delete from lead_etl.file_status where status = 'superseded'`,
    ]);
  },
};

/** Alerts already sent, so each event is announced once, not on every tick. */
const m0006_notifications: Migration = {
  async up(db) {
    await run(db, [
      `create table lead_etl.notification (
         key text primary key,
         kind text not null,
         file_date date,
         text text not null,
         sent_at timestamptz not null)`,
    ]);
  },
  async down(db) {
    await run(db, ['drop table lead_etl.notification']);
  },
};

/** Where each acknowledgement source (a Slack channel) was last read up to. */
const m0007_ack_cursors: Migration = {
  async up(db) {
    await run(db, [
      `create table lead_etl.ack_cursor (
         source text primary key,
         last_ts text not null,
         updated_at timestamptz not null)`,
      `create table lead_etl.unrecognized_message (
         source text not null,
         ts text not null,
         text text not null,
         seen_at timestamptz not null,
         primary key (source, ts))`,
    ]);
  },
  async down(db) {
    await run(db, ['drop table lead_etl.unrecognized_message', 'drop table lead_etl.ack_cursor']);
  },
};

/**
 * Customer batches: besides the daily batch (named by its date), a program may send more batches in a
 * day (`<date>-02`, ...). Versions and the version in play are counted per batch.
 */
const m0008_batches: Migration = {
  async up(db) {
    await run(db, [
      `alter table lead_etl.file add column batch_id text`,
      `alter table lead_etl.file drop constraint file_file_date_file_type_version_key`,
      `create unique index file_version_per_batch on lead_etl.file (file_date, file_type, coalesce(batch_id, ''), version)`,
      `drop index lead_etl.file_one_live_version`,
      `create unique index file_one_live_version on lead_etl.file (file_date, file_type, coalesce(batch_id, ''))
         where status not in (${quoteList(REPLACEABLE_0005)})`,
      `create or replace function lead_etl.guard_file() returns trigger language plpgsql as $$
       begin
         if tg_op = 'DELETE' then
           raise exception 'lead_etl.file rows are never deleted: a version number is never reused' using errcode = 'restrict_violation';
         end if;
         if (new.file_date, new.file_type, new.version, new.name, new.sha256, new.byte_count, new.row_count, new.batch_id)
            is distinct from (old.file_date, old.file_type, old.version, old.name, old.sha256, old.byte_count, old.row_count, old.batch_id) then
           raise exception 'file %: its identity and content fields never change', old.name using errcode = 'check_violation';
         end if;
         if new.status <> old.status and not exists (
              select 1 from lead_etl.file_transition t where t.from_status = old.status and t.to_status = new.status) then
           raise exception 'file %: % -> % is not an allowed transition', old.name, old.status, new.status using errcode = 'check_violation';
         end if;
         return new;
       end $$`,
    ]);
  },
  async down(db) {
    await run(db, [
      // Back to 0005's indexes and 0001's guard before the column goes: the guard reads new.batch_id, and an
      // index on the column would vanish with it, silently.
      `create or replace function lead_etl.guard_file() returns trigger language plpgsql as $$${GUARD_FILE_0001}$$`,
      `drop index lead_etl.file_one_live_version`,
      `create unique index file_one_live_version on lead_etl.file (file_date, file_type)
         where status not in (${quoteList(REPLACEABLE_0005)})`,
      `drop index lead_etl.file_version_per_batch`,
      `alter table lead_etl.file add constraint file_file_date_file_type_version_key unique (file_date, file_type, version)`,
      `alter table lead_etl.file drop column batch_id`,
    ]);
  },
};

/**
 * Sent means received (issue 8). `renaming` is recorded just before the temporary upload is renamed to
 * its final name, so an upload interrupted after the rename is told apart from one interrupted before;
 * the temporary name is recorded with `uploading`, so the next run looks for exactly that file. A version
 * that never reached Lead (built, uploading, or renaming when a person confirmed Lead does not have it)
 * may be abandoned, and `changed_by` keeps who did it; the event log carries it.
 */
const STATUSES_0009 = ['renaming'];
const TRANSITIONS_0009 = [['uploading', 'renaming'], ['renaming', 'uploaded'], ['uploading', 'abandoned'], ['renaming', 'abandoned']];

const m0009_renaming: Migration = {
  async up(db) {
    await run(db, [
      `insert into lead_etl.file_status (status) values ${STATUSES_0009.map((s) => `('${s}')`).join(', ')}`,
      `insert into lead_etl.file_transition (from_status, to_status) values ${TRANSITIONS_0009.map(([a, b]) => `('${a}', '${b}')`).join(', ')}`,
      `alter table lead_etl.file add column upload_temp_name text`,
      `alter table lead_etl.file add column changed_by text`,
      `alter table lead_etl.file_event add column actor text`,
      // The new-only entries the ledger held for the days before Day 0 when Day 0 was built: one that
      // appears there later reached the ledger after Day 0 was sent, and is reported like a late entry.
      `create table lead_etl.pre_day0_entry (
         file_type text not null,
         record_id text not null,
         belongs_to_file_date date not null,
         run_id text not null references lead_etl.run,
         primary key (file_type, record_id))`,
      `create or replace function lead_etl.log_file_event() returns trigger language plpgsql as $$
       begin
         if tg_op = 'INSERT' then
           insert into lead_etl.file_event (file_id, from_status, to_status, at, actor) values (new.id, null, new.status, new.updated_at, new.changed_by);
         elsif new.status <> old.status then
           insert into lead_etl.file_event (file_id, from_status, to_status, at, detail, actor) values (new.id, old.status, new.status, new.updated_at, new.reason, new.changed_by);
         end if;
         return null;
       end $$`,
    ]);
  },
  async down(db) {
    await run(db, [
      `create or replace function lead_etl.log_file_event() returns trigger language plpgsql as $$
       begin
         if tg_op = 'INSERT' then
           insert into lead_etl.file_event (file_id, from_status, to_status, at) values (new.id, null, new.status, new.updated_at);
         elsif new.status <> old.status then
           insert into lead_etl.file_event (file_id, from_status, to_status, at, detail) values (new.id, old.status, new.status, new.updated_at, new.reason);
         end if;
         return null;
       end $$`,
      // A version caught mid-rename goes back to uploading, the state the older schema had for it; its
      // next run checks the server before sending anything.
      `alter table lead_etl.file disable trigger file_guard`,
      `update lead_etl.file set status = 'uploading' where status = 'renaming'`,
      `alter table lead_etl.file enable trigger file_guard`,
      `drop table lead_etl.pre_day0_entry`,
      `alter table lead_etl.file_event drop column actor`,
      `alter table lead_etl.file drop column changed_by`,
      `alter table lead_etl.file drop column upload_temp_name`,
      `delete from lead_etl.file_transition where (from_status, to_status) in (${TRANSITIONS_0009.map(([a, b]) => `('${a}', '${b}')`).join(', ')})`,
      `delete from lead_etl.file_status where status in (${quoteList(STATUSES_0009)})`,
    ]);
  },
};

/**
 * Records at the speed of COPY, and lookups that stay fast as the store grows (issue 10):
 * - content_hash is kept only where a rule compares content (full-overwrite); other types record none.
 * - One index, the primary key (file_type, record_id, file_id), serves every read: the latest version of
 *   a record that counts is one probe of it read backwards (newest file first), and "was it ever sent"
 *   the same probe. It replaces the key (file_id, record_id) and the lookup index of 0002 (the same
 *   columns), so a million records a day maintain one b-tree, not two. file_type follows from file_id,
 *   so the new key forbids exactly what the old one did: a record twice in one file.
 * - The foreign key to lead_etl.file goes: its per-row check cost more than the rest of a COPY (a million
 *   records: 7.9 s with it, 2.9 s without, PostgreSQL 15), and it guards nothing that can happen: records
 *   are written only in the transaction that inserts their file, with the id it returned, and a file row
 *   is never deleted (file_guard).
 */
const m0010_submitted_record_lookup: Migration = {
  async up(db) {
    await run(db, [
      `alter table lead_etl.submitted_record alter column content_hash drop not null`,
      `alter table lead_etl.submitted_record drop constraint submitted_record_pkey`,
      `drop index lead_etl.submitted_record_lookup`,
      `alter table lead_etl.submitted_record add primary key (file_type, record_id, file_id)`,
      `alter table lead_etl.submitted_record drop constraint submitted_record_file_id_fkey`,
    ]);
  },
  async down(db) {
    await run(db, [
      `alter table lead_etl.submitted_record add constraint submitted_record_file_id_fkey foreign key (file_id) references lead_etl.file`,
      `alter table lead_etl.submitted_record drop constraint submitted_record_pkey`,
      `alter table lead_etl.submitted_record add primary key (file_id, record_id)`,
      `create index submitted_record_lookup on lead_etl.submitted_record (file_type, record_id, file_id desc)`,
      // The older code compares hashes of full-overwrite types only, which always have one; a placeholder
      // for the others is never compared.
      `update lead_etl.submitted_record set content_hash = repeat('0', 64) where content_hash is null`,
      `alter table lead_etl.submitted_record alter column content_hash set not null`,
    ]);
  },
};

export const stateMigrations: MigrationProvider = {
  async getMigrations() {
    return {
      '0001_files': m0001_files,
      '0002_submitted_records': m0002_submitted_records,
      '0003_documents': m0003_documents,
      '0004_inbound': m0004_inbound,
      '0005_superseded': m0005_superseded,
      '0006_notifications': m0006_notifications,
      '0007_ack_cursors': m0007_ack_cursors,
      '0008_batches': m0008_batches,
      '0009_renaming': m0009_renaming,
      '0010_submitted_record_lookup': m0010_submitted_record_lookup,
    };
  },
};
