import { sql, type Kysely, type Transaction } from 'kysely';
import { copyRows, copyText } from '../../core/database.js';
import type { FileTypeId } from '../../transform/file-types/registry.js';
import type { Fact, FactKind } from '../../transform/validation/rule-types.js';
import type { Deferred, SetMemory, Version } from '../../transform/validation/set-memory.js';

/**
 * The pre-flight's cross-file memory in PostgreSQL temporary tables of the state store's session, for
 * the run pipeline: the ids the date's files made known, the last version of each record, the facts
 * rules look up, the row checks waiting for the date's end, the ids each file made known, and each line's hash and record key (for
 * the lines and records a file repeats, and to name the record of a finding). Rows go in a batch at a
 * time, one COPY per batch (copyRows: pg-copy-streams on PostgreSQL, /dev/blob on PGlite): every table
 * is only ever appended to (a version or fact read back is the last one written), but the set's ids,
 * which a file's ids join by one INSERT ... SELECT when the file ends. The deferred checks come out a
 * batch at a time with each reference already resolved against the set's ids by a join, so the process
 * holds a batch, never the set.
 *
 * Temporary tables belong to one session: on PostgreSQL the caller holds one connection of the state
 * store's pool for the whole check (`db.connection()`), on PGlite there is one session anyway. They are
 * created before the ledger snapshot opens (a READ ONLY transaction may write temporary tables, not
 * create them) and dropped after.
 */
type Db = Kysely<any> | Transaction<any>;

const TABLES = [
  'lead_etl_set_id', 'lead_etl_set_version', 'lead_etl_set_fact', 'lead_etl_set_deferred', 'lead_etl_set_line', 'lead_etl_set_produced', 'lead_etl_set_produced_later',
] as const;
type Table = typeof TABLES[number];

export async function createSetMemoryTables(db: Db): Promise<void> {
  await dropSetMemoryTables(db);
  // These tables are never analyzed before their first read, so the planner takes a million rows for a
  // costly plan and compiles it (JIT), which takes longer than running it. Reset when they are dropped.
  await sql`set jit = off`.execute(db);
  // Ids, hashes and keys are only compared for equality here (nothing is ordered by them), and the C
  // collation compares bytes: the same answers, for less than a locale's comparison costs.
  await sql`create temporary table lead_etl_set_id (type text not null, id text collate "C" not null, key text not null, primary key (type, id))`.execute(db);
  // A record's versions and facts only ever go in, a batch at a time by COPY: an upsert would take its
  // rows as array parameters, which the client spent seconds serializing at each big file's end. Of a
  // key's rows the last one written (`seq`, numbered as they are sent) has its current value.
  await sql`create temporary table lead_etl_set_version (type text not null, key text collate "C" not null, seq int not null, version text not null)`.execute(db);
  await sql`create index lead_etl_set_version_keys on lead_etl_set_version (type, key, seq)`.execute(db);
  await sql`create temporary table lead_etl_set_fact (kind text not null, id text collate "C" not null, seq int not null, fact text not null)`.execute(db);
  await sql`create index lead_etl_set_fact_ids on lead_etl_set_fact (kind, id, seq)`.execute(db);
  await sql`create temporary table lead_etl_set_deferred (
    seq bigint generated always as identity primary key, date text not null, kind text not null, file int not null, line int not null,
    col text, to_type text, ref_id text, rule int, vals text, sent_before boolean)`.execute(db);
  // A file's ids, every one as it comes, read back by line ranges. They come in line order, one file after
  // the other, so a BRIN index finds a range (a few pages per entry, summarized when the file's ids are
  // all in) at next to no cost per row; a unique index on ids, to keep the first line of each, costs more
  // than the COPY itself. The first line of each id wins: when the file's ids are all in, the lines that
  // repeat an id of an earlier one go to lead_etl_set_produced_later (nearly always none), and reads skip them.
  // `id_seen`: the id may be on an earlier line of the file (its Bloom filter said so), as every id that is is.
  await sql`create temporary table lead_etl_set_produced (file int not null, id text collate "C" not null, line int not null, id_seen boolean not null)`.execute(db);
  await sql`create index lead_etl_set_produced_lines on lead_etl_set_produced using brin (file, line) with (pages_per_range = 16)`.execute(db);
  await sql`create temporary table lead_etl_set_produced_later (file int not null, line int not null, id text collate "C" not null)`.execute(db);
  // Read once per file (the repeats), and for the lines of error findings: no index to keep up while a
  // million rows go in. `hash_seen`, `key_seen`: the line's hash or record key may be an earlier line's
  // (a Bloom filter of the file's, in the process, said so); a repeat is always one of those lines.
  await sql`create temporary table lead_etl_set_line (
    file int not null, line int not null, hash text collate "C" not null, key text collate "C" not null, hash_seen boolean not null, key_seen boolean not null)`.execute(db);
}

export async function dropSetMemoryTables(db: Db): Promise<void> {
  for (const table of TABLES) await sql`drop table if exists ${sql.table(`pg_temp.${table}`)}`.execute(db);
  await sql`reset jit`.execute(db);
}

/**
 * `peek`: how many balance types the synchronous lookup keeps (a transaction's amounts are judged by its
 * balance's type); a balance past it is read as of unknown type, which only relaxes the check of its
 * transactions' decimals. Far above a program's balance count, and a few bytes each. One memory at a
 * time uses the tables (it numbers the files it keeps lines and ids of).
 */
export function tableSetMemory(db: Db, options: { readonly peek?: number; readonly knownIdCap?: number } = {}): SetMemory {
  const peekLimit = options.peek ?? 1_000_000;
  const knownToSet = new KnownIds(options.knownIdCap ?? KNOWN_ID_CAP);
  const balanceTypes = new Map<string, string>();
  // A transaction asks its balance's type for every row: one fact per type (deposit, credit), not one per ask.
  const typeFacts = new Map<string, Fact>();
  // A file is a number in the tables of its lines and ids: a path on each of a million rows, and in two
  // indexes, is most of what they would hold. So one memory owns the tables while it is used.
  const fileNumbers = new Map<string, number>();
  const fileNo = (file: string) => {
    let number = fileNumbers.get(file);
    if (number === undefined) fileNumbers.set(file, (number = fileNumbers.size));
    return number;
  };
  const typeFact = (type: string): Fact => {
    let fact = typeFacts.get(type);
    if (!fact) typeFacts.set(type, (fact = { values: { type }, terminal: false, fileDate: '', where: '', complete: false }));
    return fact;
  };
  // Autovacuum never analyzes temporary tables: without statistics the planner scans a whole table for
  // each batch (a drain of a million deferred checks then takes minutes). So a read first analyzes the
  // tables it reads when they have doubled since the last time (a handful of times per run; ANALYZE
  // samples, and a READ ONLY transaction may run it on temporary tables), and only those: the others may
  // take their writes for a while before anything reads them.
  const analyzed = new Map<Table, number>();
  const written = new Map<Table, number>();
  const wrote = (table: Table, rows: number) => {
    written.set(table, (written.get(table) ?? 0) + rows);
  };
  // Writes are not waited for one by one: the session runs its statements in the order they are sent,
  // so a read sent later sees them, and the rows keep coming while the server inserts the last batch.
  // At most two are in flight; a read first waits for them all, and so meets any error they had.
  const inFlight: Promise<unknown>[] = [];
  const send = async (running: Promise<unknown>) => {
    running.catch(() => undefined);
    inFlight.push(running);
    while (inFlight.length > 2) await inFlight.shift();
  };
  const write = (query: { execute(on: Db): Promise<unknown> }) => send(query.execute(db));
  // A batch of rows as one COPY, its text built at once (a batch is bounded).
  const copy = (table: Table, columns: readonly string[], rows: number, line: (at: number) => string) => {
    let text = '';
    for (let at = 0; at < rows; at += 1) text += line(at);
    return send(copyRows(db, table, columns, [Buffer.from(text, 'utf8')]));
  };
  // The open files' Bloom filters of hashes and keys (a megabyte each, whatever the file's length), and
  // whether a file has a line flagged (none: it repeats nothing, and the query is skipped).
  const lineFilters = new Map<number, { readonly hashes: SeenFilter; readonly keys: SeenFilter }>();
  // A file done gives its filters back, cleared for the next: files come one after the other.
  const filters = new SeenFilters();
  const flagged = new Map<number, boolean>();
  // Numbers the versions and facts as they are sent: of a key's rows, the last one is its value.
  let sent = 0;
  // Files whose ids are all in, with the lines that repeat an id of an earlier line set aside (one
  // grouping of the file's ids); a file given more ids after is sealed again when next read.
  const sealed = new Set<number>();
  // The last line each file gave an id on, where reading its ids by line ranges stops (one number a file).
  const lastLines = new Map<number, number>();
  // The files' ids as for their lines: a Bloom filter per open file (till it is published), whether
  // it flagged any, and how many ids it was given.
  const idFilters = new Map<number, SeenFilter>();
  const idsFlagged = new Map<number, boolean>();
  const idsGiven = new Map<number, number>();
  const seal = async (file: string) => {
    const number = fileNo(file);
    if (sealed.has(number)) return number;
    // Sent at once, one after the other: the session runs them in order, and the first read waits for them.
    // Pages a BRIN index has not summarized match every range: summarize those the file filled.
    await send(sql`select brin_summarize_new_values('lead_etl_set_produced_lines')`.execute(db));
    await write(sql`delete from lead_etl_set_produced_later where file = ${number}::int`);
    // Only an id a line was flagged for can be on an earlier line too; none flagged, none is.
    if (idsFlagged.get(number)) {
      await write(sql`
        insert into lead_etl_set_produced_later (file, line, id)
        select p.file, p.line, p.id from lead_etl_set_produced p
        join (
          select id, min(line) as first from lead_etl_set_produced
          where file = ${number}::int and id in (select id from lead_etl_set_produced where file = ${number}::int and id_seen)
          group by id having count(*) > 1
        ) d on d.id = p.id
        where p.file = ${number}::int and p.line > d.first`);
    }
    sealed.add(number);
    return number;
  };
  const settle = async () => {
    while (inFlight.length > 0) await inFlight.shift();
  };
  const statistics = async (...read: Table[]) => {
    await settle();
    const due = read.filter((table) => (written.get(table) ?? 0) >= Math.max(analyzed.get(table) ?? 0, 5_000));
    if (due.length === 0) return;
    for (const table of due) {
      analyzed.set(table, (analyzed.get(table) ?? 0) + written.get(table)!);
      written.set(table, 0);
    }
    await sql`analyze ${sql.join(due.map((table) => sql.table(table)))}`.execute(db);
  };
  return unwrittenAnswered({
    async defer(date, rows) {
      if (rows.length === 0) return;
      const day = copyText(date);
      await copy('lead_etl_set_deferred', DEFERRED_COLUMNS, rows.length, (at) => {
        const d = rows[at]!;
        return d.kind === 'reference'
          ? `${day}\treference\t${d.file}\t${d.line}\t${copyText(d.column)}\t${copyText(d.to)}\t${copyText(d.id)}\t\\N\t\\N\t\\N\n`
          : `${day}\tcheck\t${d.file}\t${d.line}\t\\N\t\\N\t\\N\t${d.rule}\t${copyText(JSON.stringify(d.values))}\t${d.sentBefore === undefined ? '\\N' : d.sentBefore ? 't' : 'f'}\n`;
      });
      wrote('lead_etl_set_deferred', rows.length);
    },
    async *drain(date, batchSize) {
      await statistics('lead_etl_set_deferred', 'lead_etl_set_id');
      // The references the set resolves (nearly all of them) stay in the database: one count per file
      // and type named; only the others, and the row checks, come out, in the order they were deferred.
      const resolved = await sql<{ file: number; to_type: string; n: string }>`
        select d.file, d.to_type, count(*)::text as n from lead_etl_set_deferred d
        where d.date = ${date} and d.kind = 'reference' and exists (select 1 from lead_etl_set_id s where s.type = d.to_type and s.id = d.ref_id)
        group by d.file, d.to_type order by d.file, d.to_type`.execute(db);
      if (resolved.rows.length > 0) {
        yield resolved.rows.map((r) => ({ kind: 'reference', file: Number(r.file), line: 0, column: '', to: r.to_type as FileTypeId, id: '', inSet: true, count: Number(r.n) }));
      }
      let after = '0';
      for (;;) {
        const { rows } = await sql<DeferredRow>`
          select d.seq::text as seq, d.kind, d.file, d.line, d.col, d.to_type, d.ref_id, d.rule, d.vals, d.sent_before, false as in_set
          from lead_etl_set_deferred d
          where d.date = ${date} and d.seq > ${after}::bigint
            and not (d.kind = 'reference' and exists (select 1 from lead_etl_set_id s where s.type = d.to_type and s.id = d.ref_id))
          order by d.seq limit ${batchSize}`.execute(db);
        if (rows.length === 0) break;
        after = rows[rows.length - 1]!.seq;
        yield rows.map(deferredOf);
        if (rows.length < batchSize) break;
      }
      await sql`delete from lead_etl_set_deferred where date = ${date}`.execute(db);
    },
    async rememberIds(fileType, ids, key) {
      if (ids.length === 0) return;
      await write(sql`insert into lead_etl_set_id (type, id, key) select ${fileType}, u.id, ${key} from unnest(${[...ids]}::text[]) as u(id) on conflict do nothing`);
      wrote('lead_etl_set_id', ids.length);
    },
    async knownIds(fileType, ids) {
      if (ids.length === 0) return new Map();
      await statistics('lead_etl_set_id');
      const { rows } = await sql<{ id: string; key: string }>`select id, key from lead_etl_set_id where type = ${fileType} and id = any(${[...ids]}::text[])`.execute(db);
      return new Map(rows.map((r) => [r.id, r.key]));
    },
    async unknownIds(wanted) {
      const out = new Map<FileTypeId, Set<string>>();
      const pairs = [...wanted].flatMap(([type, ids]) => [...ids].filter((id) => !knownToSet.has(type, id)).map((id) => [type, id] as const));
      if (pairs.length === 0) return out;
      await statistics('lead_etl_set_id');
      // Every type at once: one round trip per batch of rows, which waits for it. The OFFSET keeps the
      // EXISTS a subplan, one index probe per id: as a join the planner hashes the whole table for each
      // batch (the array's length is known to it, the probes look dearer than they are), so a batch cost
      // as much as the set held, and a day's check the square of its size.
      const { rows } = await sql<{ type: FileTypeId; id: string }>`
        select u.type, u.id from unnest(${pairs.map(([type]) => type)}::text[], ${pairs.map(([, id]) => id)}::text[]) as u(type, id)
        where not exists (select 1 from lead_etl_set_id s where s.type = u.type and s.id = u.id offset 0)`.execute(db);
      for (const r of rows) out.set(r.type, (out.get(r.type) ?? new Set()).add(r.id));
      for (const [type, id] of pairs) if (!out.get(type)?.has(id)) knownToSet.add(type, id);
      return out;
    },
    async rememberVersions(fileType, versions) {
      if (versions.length === 0) return;
      const type = copyText(fileType);
      await copy('lead_etl_set_version', ['type', 'key', 'seq', 'version'], versions.length, (at) => `${type}\t${copyText(versions[at]![0])}\t${(sent += 1)}\t${copyText(versionText(versions[at]![1]))}\n`);
      wrote('lead_etl_set_version', versions.length);
    },
    async versions(fileType, keys) {
      if (keys.length === 0) return new Map();
      await statistics('lead_etl_set_version');
      const { rows } = await sql<{ key: string; version: string }>`
        select distinct on (key) key, version from lead_etl_set_version where type = ${fileType} and key = any(${[...keys]}::text[]) order by key, seq desc`.execute(db);
      return new Map(rows.map((r) => [r.key, versionOf(r.version)]));
    },
    async rememberFacts(kind, facts) {
      if (facts.length === 0) return;
      const named = copyText(kind);
      await copy('lead_etl_set_fact', ['kind', 'id', 'seq', 'fact'], facts.length, (at) => `${named}\t${copyText(facts[at]![0])}\t${(sent += 1)}\t${copyText(JSON.stringify(facts[at]![1]))}\n`);
      wrote('lead_etl_set_fact', facts.length);
      if (kind !== 'balances') return;
      for (const [id, fact] of facts) {
        if (balanceTypes.size < peekLimit || balanceTypes.has(id)) balanceTypes.set(id, fact.values.type ?? '');
      }
    },
    async facts(kind, ids) {
      if (ids.length === 0) return new Map();
      await statistics('lead_etl_set_fact');
      const { rows } = await sql<{ id: string; fact: string }>`
        select distinct on (id) id, fact from lead_etl_set_fact where kind = ${kind} and id = any(${[...ids]}::text[]) order by id, seq desc`.execute(db);
      return new Map(rows.map((r) => [r.id, JSON.parse(r.fact) as Fact]));
    },
    peekFact(kind: FactKind, id: string): Fact | undefined {
      const type = kind === 'balances' ? balanceTypes.get(id) : undefined;
      return type === undefined ? undefined : typeFact(type);
    },
    produced: {
      async remember(file, ids) {
        if (ids.length === 0) return;
        const number = fileNo(file);
        sealed.delete(number);
        let last = lastLines.get(number) ?? 0;
        for (const [, line] of ids) if (line > last) last = line;
        lastLines.set(number, last);
        // A file given ids after it was published has lost its filter: each of those may be on an earlier line.
        const after = idsGiven.has(number) && !idFilters.has(number);
        let filter = idFilters.get(number);
        if (!filter && !after) idFilters.set(number, (filter = filters.take()));
        let any = false;
        await copy('lead_etl_set_produced', PRODUCED_COLUMNS, ids.length, (at) => {
          const [id, line] = ids[at]!;
          const seen = after || filter!.seen(id);
          any ||= seen;
          return `${number}\t${copyText(id)}\t${line}\t${seen ? 't' : 'f'}\n`;
        });
        idsFlagged.set(number, (idsFlagged.get(number) ?? false) || any);
        idsGiven.set(number, (idsGiven.get(number) ?? 0) + ids.length);
        wrote('lead_etl_set_produced', ids.length);
      },
      async *ofFile(file, fileType, batchSize) {
        await statistics('lead_etl_set_produced', 'lead_etl_set_id');
        const number = await seal(file);
        const last = lastLines.get(number);
        if (last === undefined) return;
        // Ordered by id as the file's other text is (the column's C collation is for equality only).
        const read = (from: number) => sql<{ id: string; line: number; key: string | null }>`
          select p.id, p.line, s.key from lead_etl_set_produced p
          left join lead_etl_set_id s on s.type = ${fileType} and s.id = p.id
          where p.file = ${number}::int and p.line >= ${from} and p.line < ${from + batchSize}
            and not exists (select 1 from lead_etl_set_produced_later l where l.file = p.file and l.line = p.line and l.id = p.id)
          order by p.line, p.id collate "default"`.execute(db);
        // The next batch is asked for before this one is handed over: the server reads it while the caller
        // works through this one (two batches at most in hand).
        let next = read(0);
        for (let from = 0; from <= last; from += batchSize) {
          const { rows } = await next;
          if (from + batchSize <= last) {
            next = read(from + batchSize);
            next.catch(() => undefined);
          }
          if (rows.length > 0) yield rows.map((r) => [r.id, Number(r.line), r.key ?? undefined] as const);
        }
      },
      async publish(file, fileType, key) {
        const number = await seal(file);
        filters.give(idFilters.get(number));
        idFilters.delete(number);
        // Each id once (the later lines of one are skipped), none the set knew: a plain insert, which
        // costs less than one that meets and skips conflicts. Not waited for, as the other writes: the
        // next read waits for it. Taken to add every id given, for when to analyze the table.
        await write(sql`
          insert into lead_etl_set_id (type, id, key)
          select ${fileType}, p.id, ${key} from lead_etl_set_produced p
          where p.file = ${number}::int
            and not exists (select 1 from lead_etl_set_produced_later l where l.file = p.file and l.line = p.line and l.id = p.id)
            and not exists (select 1 from lead_etl_set_id s where s.type = ${fileType} and s.id = p.id)`);
        wrote('lead_etl_set_id', idsGiven.get(number) ?? 0);
      },
    },
    lines: {
      async remember(file, lines) {
        if (lines.length === 0) return;
        const number = fileNo(file);
        // A file given lines after its repeats were read has lost its filters: each of those lines may repeat.
        const after = flagged.has(number) && !lineFilters.has(number);
        let open = lineFilters.get(number);
        if (!open && !after) lineFilters.set(number, (open = { hashes: filters.take(), keys: filters.take() }));
        let any = false;
        await copy('lead_etl_set_line', LINE_COLUMNS, lines.length, (at) => {
          const [line, hash, key] = lines[at]!;
          const hashSeen = after || open!.hashes.seen(hash);
          const keySeen = key !== '' && (after || open!.keys.seen(key));
          any ||= hashSeen || keySeen;
          return `${number}\t${line}\t${copyText(hash)}\t${copyText(key)}\t${hashSeen ? 't' : 'f'}\t${keySeen ? 't' : 'f'}\n`;
        });
        flagged.set(number, (flagged.get(number) ?? false) || any);
      },
      async repeats(file) {
        const number = fileNo(file);
        const open = lineFilters.get(number);
        filters.give(open?.hashes, open?.keys);
        lineFilters.delete(number);
        if (!flagged.has(number)) flagged.set(number, false);
        // No statistics for this table: it has no index, so a plan reads it whole whatever they say.
        await settle();
        if (!flagged.get(number)) return [];
        // A line repeating an earlier one whole is named for that alone; of the others, one whose record
        // an earlier one carries. Only the lines whose hash is one a flagged line has, or whose hash is that
        // of a line with a flagged key, can be either, and the window over them sees all the lines of
        // each of their hashes and keys: the answer of the whole file, from a few lines of it.
        const { rows } = await sql<{ line: number; key: string; same_row: number | null; same_id: number | null }>`
          with k as (select key from lead_etl_set_line where file = ${number}::int and key_seen),
          h as (select hash from lead_etl_set_line where file = ${number}::int and (hash_seen or key in (select key from k))),
          r as (select line, key, min(line) over (partition by hash) as same_row from lead_etl_set_line where file = ${number}::int and hash in (select hash from h)),
          u as (select line, key, min(line) over (partition by key) as same_id from r where line = same_row and key <> '')
          select line, key, same_row, null::int as same_id from r where line > same_row
          union all
          select line, key, null::int, same_id from u where line > same_id
          order by line`.execute(db);
        return rows.map((r) => (r.same_row !== null
          ? { line: Number(r.line), key: r.key, sameRow: Number(r.same_row) }
          : { line: Number(r.line), key: r.key, sameId: Number(r.same_id) }));
      },
      async keysAt(file, lines) {
        if (lines.length === 0) return new Map();
        await settle();
        const { rows } = await sql<{ line: number; key: string }>`select line, key from lead_etl_set_line where file = ${fileNo(file)}::int and line = any(${[...lines]}::int[])`.execute(db);
        return new Map(rows.map((r) => [Number(r.line), r.key]));
      },
    },
  });
}

const PRODUCED_COLUMNS = ['file', 'id', 'line', 'id_seen'] as const;
const LINE_COLUMNS = ['file', 'line', 'hash', 'key', 'hash_seen', 'key_seen'] as const;

/**
 * Whether a text may have been seen before, in a fixed 1 MB: a Bloom filter of 2^23 bits whose 3 probes
 * of a text fall in one 32-bit word (one cache line to touch, not three), from a 32-bit FNV-1a hash.
 * Never a false no; a false yes for some 1.5% of a million texts (3% at the millionth), more past that,
 * which only makes the query that confirms them read more lines. By hand: the probes and the setting are one step here,
 * where a Bloom filter package hashes each text twice (a test, then an add) over three words.
 */
export class SeenFilter {
  private readonly words = new Int32Array(SEEN_BITS >>> 5);

  clear(): void {
    this.words.fill(0);
  }

  /** True if `text` may have been given before; from now on it has been. */
  seen(text: string): boolean {
    let a = 0x811c9dc5;
    for (let at = 0; at < text.length; at += 1) a = Math.imul(a ^ text.charCodeAt(at), 0x01000193);
    // The word from the hash's bits, the three bits in it from a mix of them (murmur3's finalizer).
    let b = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
    b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
    b ^= b >>> 16;
    const word = a & ((SEEN_BITS >>> 5) - 1);
    const mask = (1 << (b & 31)) | (1 << ((b >>> 5) & 31)) | (1 << ((b >>> 10) & 31));
    const had = this.words[word]!;
    this.words[word] = had | mask;
    return (had & mask) === mask;
  }
}

const SEEN_BITS = 1 << 23;

/** Filters given back by the files done, for the next ones: a new megabyte a file cost more than its probes. */
class SeenFilters {
  private readonly spare: SeenFilter[] = [];

  take(): SeenFilter {
    return this.spare.pop() ?? new SeenFilter();
  }

  give(...done: (SeenFilter | undefined)[]): void {
    for (const filter of done) {
      if (!filter) continue;
      filter.clear();
      this.spare.push(filter);
    }
  }
}

const DEFERRED_COLUMNS = ['date', 'kind', 'file', 'line', 'col', 'to_type', 'ref_id', 'rule', 'vals', 'sent_before'] as const;

interface DeferredRow {
  readonly seq: string;
  readonly kind: 'reference' | 'check';
  readonly file: number;
  readonly line: number;
  readonly col: string | null;
  readonly to_type: string | null;
  readonly ref_id: string | null;
  readonly rule: number | null;
  readonly vals: string | null;
  readonly sent_before: boolean | null;
  readonly in_set: boolean;
}

function deferredOf(row: DeferredRow): Deferred {
  if (row.kind === 'reference') {
    return { kind: 'reference', file: Number(row.file), line: Number(row.line), column: row.col ?? '', to: row.to_type as FileTypeId, id: row.ref_id ?? '', inSet: Boolean(row.in_set) };
  }
  return {
    kind: 'check', file: Number(row.file), line: Number(row.line), rule: Number(row.rule), values: JSON.parse(row.vals ?? '{}') as Record<string, string>,
    ...(row.sent_before === null ? {} : { sentBefore: Boolean(row.sent_before) }),
  };
}

// An effective_at with no offset names no instant (NaN), which JSON would turn into null.
function versionText(version: Version): string {
  return JSON.stringify(version.at !== undefined && Number.isNaN(version.at) ? { ...version, at: 'NaN' } : version);
}

function versionOf(text: string): Version {
  const parsed = JSON.parse(text) as Omit<Version, 'at'> & { at?: number | 'NaN' };
  return parsed.at === 'NaN' ? { ...parsed, at: Number.NaN } : (parsed as Version);
}

/**
 * How many ids the pre-flight remembers the set to know, all types together: some 60 bytes each in the
 * process, so at most about 15 MB. A day's references name the same few hundred thousand records (its
 * balances, cards, accounts) over and over; past the cap the probes simply go to the table again.
 */
const KNOWN_ID_CAP = 250_000;

/**
 * Ids the set's table answered as known. The set only gains ids during a check (nothing is deleted, an
 * id's first file stays), so a yes stays true and may be answered here; a no is never kept. When full it
 * starts over rather than choosing what to drop: the ids a day asks for come in phases (a file's
 * references, then the next file's), and the current phase fills it again.
 */
export class KnownIds {
  private readonly byType = new Map<string, Set<string>>();
  private count = 0;

  constructor(readonly cap: number) {}

  get size(): number {
    return this.count;
  }

  has(type: string, id: string): boolean {
    return this.byType.get(type)?.has(id) ?? false;
  }

  add(type: string, id: string): void {
    if (this.cap <= 0) return;
    let ids = this.byType.get(type);
    if (ids?.has(id)) return;
    if (this.count >= this.cap) {
      this.byType.clear();
      this.count = 0;
      ids = undefined;
    }
    if (!ids) this.byType.set(type, (ids = new Set()));
    ids.add(id);
    this.count += 1;
  }
}

/**
 * The versions and facts of a type or kind nothing has written yet are none: answered without a query.
 * On a launch day each type comes in one file, whose versions and facts are looked up (to merge with an
 * earlier file's) before they are written, a query per 5,000 records that found nothing. The tables are
 * this memory's alone (one memory at a time uses them), so what it wrote is all they hold; a few names.
 */
function unwrittenAnswered(memory: SetMemory): SetMemory {
  const versioned = new Set<string>();
  const withFacts = new Set<string>();
  return {
    ...memory,
    rememberVersions(fileType, versions) {
      if (versions.length > 0) versioned.add(fileType);
      return memory.rememberVersions(fileType, versions);
    },
    versions: async (fileType, keys) => (versioned.has(fileType) ? memory.versions(fileType, keys) : new Map()),
    rememberFacts(kind, facts) {
      if (facts.length > 0) withFacts.add(kind);
      return memory.rememberFacts(kind, facts);
    },
    facts: async (kind, ids) => (withFacts.has(kind) ? memory.facts(kind, ids) : new Map()),
  };
}
