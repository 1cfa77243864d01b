import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFileDate } from '../../core/file-date.js';
import { silentLogger } from '../../core/log.js';
import type { JobContext } from '../../jobs/job-context.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { openSftpSession } from '../../load/sftp-session.js';
import { listFiles } from '../../load/state/state-store.js';
import { DAY0, startPipeline, type PipelineFixture } from '../support/pipeline.js';

/**
 * Faults on this machine's side say what to fix (issue 8): a private key that cannot be parsed is a
 * local problem, not the network; an archive.dir that cannot be written or is full names the key, and
 * nothing is recorded or sent.
 */
describe('local faults name their cause and the fix', () => {
  let pipeline: PipelineFixture;
  const scratch = mkdtempSync(join(tmpdir(), 'lead-etl-local-faults-'));
  beforeAll(async () => {
    pipeline = await startPipeline('pglite', { days: 1 });
  });
  afterAll(async () => {
    await pipeline?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  const withArchive = (dir: string): JobContext => ({ ...pipeline.ctx, config: { ...pipeline.ctx.config, archive: { dir } } });

  it('a private key that cannot be parsed is SSH_KEY_INVALID, with no hint about hosts or ports', async () => {
    const settings = {
      host: '127.0.0.1', port: 9, username: 'partner', hostKeyFingerprint: pipeline.sftp.server.hostKeyFingerprint,
      connectTimeoutMs: 2_000, operationTimeoutMs: 2_000, closeTimeoutMs: 1_000,
    };
    const failure = await openSftpSession({ ...settings, privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----\n' }, silentLogger()).catch((e: unknown) => e as Error & { code?: string });
    expect(failure).toMatchObject({ code: 'SSH_KEY_INVALID' });
    expect((failure as Error).message).toContain('sftp.privateKeyFile or LEAD_ETL_SFTP_PRIVATE_KEY');
    expect((failure as Error).message).not.toMatch(/host|port|reach/);
  });

  it('an archive.dir that cannot be created is ARCHIVE_UNWRITABLE naming the key; nothing is recorded', async () => {
    const file = join(scratch, 'not-a-folder');
    writeFileSync(file, '');
    await expect(runFileDate(withArchive(join(file, 'archive')), parseFileDate(DAY0))).rejects.toMatchObject({
      code: 'ARCHIVE_UNWRITABLE', message: expect.stringMatching(/^archive\.dir .* cannot be created or written \(ENOTDIR\)/),
    });
    expect(await listFiles(pipeline.ctx.state.db)).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)('a full archive disk is ARCHIVE_UNWRITABLE "is full", and nothing is recorded or sent', async () => {
    const dir = join(scratch, 'tiny');
    mkdirSync(dir);
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8k', 'tmpfs', dir], { encoding: 'utf8' });
    expect(mount.status, mount.stderr).toBe(0);
    try {
      await expect(runFileDate(withArchive(dir), parseFileDate(DAY0))).rejects.toMatchObject({
        code: 'ARCHIVE_UNWRITABLE', message: expect.stringMatching(/^archive\.dir .* is full \(ENOSPC\): free space/),
      });
      expect(await listFiles(pipeline.ctx.state.db)).toEqual([]);
    } finally {
      spawnSync('umount', ['-l', dir]);
    }
  });
});
