import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A generous bound, not a wait: tests wait on events, and this only ends a test that hangs. Two suites
    // at once on a 2-core machine run each test at half speed or less.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: a single worker here. The database and SFTP
    // tests spend much of their time waiting on PostgreSQL, sshd and the template builder, so one worker
    // more than the cores keeps both busy.
    maxWorkers: availableParallelism() + 1,
    // Test files share their worker's process: PGlite's WebAssembly is compiled once per worker, not once
    // per file. No test relies on module state, and every fixture closes what it opened.
    isolate: false,
    // Templates (a generated ledger, an initdb'd PGlite) made once per run and cloned by the tests.
    globalSetup: ['test/support/global-setup.ts'],
  },
});
