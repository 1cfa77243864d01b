import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseFileDate } from '../../core/file-date.js';
import { createLogger } from '../../core/log.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { readSentFiles } from '../support/lead-file-check.js';
import { DAY0, startPipeline } from '../support/pipeline.js';

describe('logs', () => {
  it('are JSON lines with run, date, file and counts, and hold no row values or secrets', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
    const pipeline = await startPipeline('pglite', { days: 1, logger: createLogger({ level: 'debug', destination: sink }) });
    try {
      const result = await runFileDate(pipeline.ctx, parseFileDate(DAY0));
      expect(result.outcome).toBe('ok');
      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const built = entries.filter((e) => e.msg === 'file built');
      expect(built.map((e) => e.fileType).sort()).toEqual(['accounts', 'balances', 'non_posted_transactions', 'transactions']);
      expect(built.every((e) => e.runId === result.runId && e.fileDate === DAY0 && typeof e.rows === 'number')).toBe(true);
      expect(entries.filter((e) => e.msg === 'file uploaded').every((e) => typeof e.file === 'string' && typeof e.bytes === 'number')).toBe(true);

      const text = lines.join('\n');
      expect(text).not.toContain(pipeline.sftp.clientKey.privateKey.split('\n')[1]!);
      // No value from inside the files: ids, amounts, names.
      const cells = readSentFiles(pipeline.sftp.rootDir).flatMap((f) => f.rows.flatMap((row) => [
        row.client_transaction_id, row.client_balance_id, row.client_account_id, row.amount, row.balance, row.client_balance_name,
      ])).filter((v): v is string => Boolean(v) && v!.length >= 5 && v !== 'Checking' && v !== 'Savings');
      expect(cells.length).toBeGreaterThan(10);
      for (const cell of new Set(cells)) expect(text.includes(`"${cell}"`), cell).toBe(false);
    } finally {
      await pipeline.dispose();
    }
  });
});
