import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledQuery } from 'kysely';
import type { Row } from '../../core/database.js';
import { activityWindow, parseFileDate } from '../../core/file-date.js';
import { streamPartnerRows, type PartnerQuery } from '../../extract/partner-query.js';
import { cellFormatter } from '../../transform/format-value.js';
import { databaseKinds, freshDatabase, type FreshDatabase } from '../support/databases.js';

/**
 * The extract hands the formatter PostgreSQL's own text for timestamps, dates, numerics and int8 (no JS
 * Date or number per cell), on both engines; these pin what the text is and what Lead's file then says.
 */
const window = activityWindow(parseFileDate('2026-03-09'));
const query = (sql: string): PartnerQuery => ({ fileType: 'test', path: 'test.sql', sql });
const format = {
  timestamp: cellFormatter({ kind: 'timestamp' }, { timestampZone: 'America/Chicago', programCurrency: 'USD', excessPrecision: 'error' }),
  money: cellFormatter({ kind: 'money', currency: 'program' }, { timestampZone: 'America/Chicago', programCurrency: 'USD', excessPrecision: 'error' }),
  date: cellFormatter({ kind: 'date' }, { timestampZone: 'America/Chicago', programCurrency: 'USD', excessPrecision: 'error' }),
};
const none = () => undefined;

// Instants on both sides of Chicago's two DST changes of 2026, one with microseconds, and one from
// before standard time (local mean time, an offset with seconds).
const TYPED = `
  select id, at, local_at, day, amount, big, ratio from (values
    (1, timestamptz '2026-03-08 07:59:59.999999Z', timestamp '2026-03-08 01:59:59', date '2026-03-08', numeric '12345678901234567890123.4500', int8 '9223372036854775807', 0.5::float8),
    (2, timestamptz '2026-03-08 08:00:00Z', null, date '05/03/2026', numeric '-0.10', int8 '-9007199254740993', null),
    (3, timestamptz '2026-11-01 06:30:00.25Z', null, null, numeric '0.000000000000000000000000000001', null, null),
    (4, timestamptz '2026-11-01 07:30:00Z', null, null, null, null, null),
    (5, null, null, null, null, null, null),
    (6, timestamptz '1850-06-01 12:00:00Z', null, null, null, null, null)
  ) v(id, at, local_at, day, amount, big, ratio)
  where :window_end::timestamptz > :window_start::timestamptz
  order by id`;

describe.each(databaseKinds)('the extract on %s', (kind) => {
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await freshDatabase(kind);
  });
  afterAll(async () => {
    await fresh?.dispose();
  });

  /** The rows of `sql` in a snapshot transaction whose session writes Chicago's offsets and, by default, SQL-style dates. */
  async function read(sql: string, chunkSize = 2): Promise<Row[]> {
    return fresh.database.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
      await trx.executeQuery(CompiledQuery.raw("set local timezone = 'America/Chicago'"));
      await trx.executeQuery(CompiledQuery.raw("set local datestyle = 'SQL, DMY'"));
      const rows: Row[] = [];
      for await (const row of streamPartnerRows(fresh.database, trx, query(sql), window, chunkSize)) rows.push(row);
      return rows;
    });
  }

  it('hands timestamps, dates, numerics and int8 over as the server writes them in ISO style, NULLs as null', async () => {
    const rows = await read(TYPED);
    expect(rows.map((row) => row.at)).toEqual([
      '2026-03-08 01:59:59.999999-06', '2026-03-08 03:00:00-05', '2026-11-01 01:30:00.25-05', '2026-11-01 01:30:00-06', null, '1850-06-01 06:09:24-05:50:36',
    ]);
    expect(rows[0]).toMatchObject({ local_at: '2026-03-08 01:59:59', day: '2026-03-08', amount: '12345678901234567890123.4500', big: '9223372036854775807', ratio: 0.5 });
    // The server's day-first order still reads the literal; only the output style is ISO.
    expect(rows[1]).toMatchObject({ day: '2026-03-05', amount: '-0.10', big: '-9007199254740993' });
    expect(rows[2]!.amount).toBe('0.000000000000000000000000000001');
    expect(rows[4]).toEqual({ id: 5, at: null, local_at: null, day: null, amount: null, big: null, ratio: null });
  });

  it('writes those values as Lead reads them: Chicago offsets across DST, exact money, dates as they are', async () => {
    const rows = await read(TYPED);
    expect(rows.filter((row) => row.at !== null).map((row) => format.timestamp(row.at, none))).toEqual([
      '2026-03-08T01:59:59.999-06:00', '2026-03-08T03:00:00-05:00', '2026-11-01T01:30:00.250-05:00', '2026-11-01T01:30:00-06:00',
      DateTime.fromMillis(Date.UTC(1850, 5, 1, 12)).setZone('America/Chicago').toISO({ suppressMilliseconds: true }),
    ]);
    expect(format.money(rows[0]!.amount, none)).toBe('12345678901234567890123.45');
    expect(format.money(rows[1]!.amount, none)).toBe('-0.10');
    expect(format.money(rows[2]!.amount, none)).toMatchObject({ rule: 'money.precision' });
    expect(format.date(rows[1]!.day, none)).toBe('2026-03-05');
    // Without a time zone there is no instant to write: the partner's query must say which.
    expect(format.timestamp(rows[0]!.local_at, none)).toMatchObject({ rule: 'timestamp.offset' });
  });

  it('streams batch after batch, a stream left early leaves the snapshot usable, and an error in a later batch names the query', async () => {
    const counts = await fresh.database.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
      let early = 0;
      for await (const _row of streamPartnerRows(fresh.database, trx, query('select g from generate_series(1, 100) g'), window, 10)) {
        if (++early === 15) break;
      }
      // Each batch once and in order, the server reading one ahead of the consumer on PostgreSQL.
      const all: number[] = [];
      for await (const row of streamPartnerRows(fresh.database, trx, query('select g from generate_series(1, 1001) g order by g'), window, 10)) all.push(Number(row.g));
      return { early, all };
    });
    expect(counts).toEqual({ early: 15, all: Array.from({ length: 1001 }, (_, i) => i + 1) });

    const seen: unknown[] = [];
    await expect(fresh.database.db.transaction().execute(async (trx) => {
      for await (const row of streamPartnerRows(fresh.database, trx, query('select g, 1 / (7 - g) as r from generate_series(1, 10) g'), window, 2)) seen.push(row.g);
    })).rejects.toMatchObject({ code: 'QUERY_FAILED', message: expect.stringMatching(/test\.sql failed: division by zero/) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
