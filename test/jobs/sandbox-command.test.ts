import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { EXIT, runCli, type CliIo } from '../../jobs/cli.js';
import { readChannelHistory } from '../../load/slack-channel-history.js';
import { openSftpSession } from '../../load/sftp-session.js';

/** `lead-etl sandbox` as an operator starts it: what it prints is enough to connect and to read the channel. */
function startCommand(args: string[]) {
  let stdout = '';
  let stderr = '';
  let stop: (signal: string) => void = () => undefined;
  let announce: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    announce = resolve;
  });
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
      if (t.includes('Stop it with Ctrl-C')) announce();
    },
    stderr: (t) => {
      stderr += t;
    },
    env: {},
    clock: fixedClock('2026-03-06T12:00:00Z'),
    logger: silentLogger(),
    untilStopped: () => new Promise<string>((resolve) => {
      stop = resolve;
    }),
  };
  const exit = runCli(['sandbox', ...args], io);
  return { ready: Promise.race([ready, exit.then(() => undefined)]), exit, stop: (signal: string) => stop(signal), out: () => stdout, err: () => stderr };
}

const field = (text: string, pattern: RegExp) => {
  const match = pattern.exec(text);
  if (!match?.[1]) throw new Error(`${pattern} not in:\n${text}`);
  return match[1];
};

describe('lead-etl sandbox', () => {
  it('prints the host, port, pinned host key, partner key and channel, serves them until stopped, and keeps its host key across restarts', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lead-etl-sandbox-cli-')), 'lead');
    const first = startCommand(['--dir', dir, '--day0', '2026-03-06', '--quiet-seconds', '0', '--poll-seconds', '600']);
    await first.ready;
    const out = first.out();
    expect(first.err()).toBe('');
    const port = Number(field(out, /sftp:\/\/partner@127\.0\.0\.1:(\d+)\//));
    const fingerprint = field(out, /host key {3}(SHA256:\S+)/);
    const keyFile = field(out, /generated partner key (\S+)/);
    const url = field(out, /GET (http:\/\/127\.0\.0\.1:\d+)\/api\/conversations\.history\?channel=C0LEADSBX/);
    const token = field(out, /Authorization: Bearer (\S+)/);
    expect(out).toContain('read-only');
    expect(out).toContain('day 0      2026-03-06');

    const session = await openSftpSession({
      host: '127.0.0.1', port, username: 'partner', privateKey: readFileSync(join(process.cwd(), keyFile)),
      hostKeyFingerprint: fingerprint, connectTimeoutMs: 10_000, operationTimeoutMs: 10_000, closeTimeoutMs: 2_000,
    }, silentLogger());
    expect((await session.list('/')).sort()).toEqual(['accounts', 'balances', 'bank-account-reports', 'cards', 'customer', 'customer_relationship', 'documents', 'non_posted_transactions', 'sales_request', 'transactions', 'transactions_update']);
    await session.close();
    expect(await readChannelHistory({ url, token, channel: 'C0LEADSBX' })).toEqual([]);

    first.stop('SIGTERM');
    expect(await first.exit).toBe(EXIT.ok);
    expect(first.out()).toContain('SIGTERM: stopping the sandbox');

    const second = startCommand(['--dir', dir]);
    await second.ready;
    expect(field(second.out(), /host key {3}(SHA256:\S+)/)).toBe(fingerprint);
    expect(field(second.out(), /Authorization: Bearer (\S+)/)).toBe(token);
    second.stop('SIGINT');
    expect(await second.exit).toBe(EXIT.ok);
  });

  it('refuses bad options before starting anything', async () => {
    for (const args of [['--sftp-port', '70000'], ['--reject', '1:ledger'], ['--day0', '2026-02-30'], ['--quiet-seconds', 'soon']]) {
      const run = startCommand(['--dir', join(mkdtempSync(join(tmpdir(), 'lead-etl-sandbox-cli-')), 'lead'), ...args]);
      expect(await run.exit, args.join(' ')).toBe(EXIT.usage);
      expect(run.err().trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
