import { runDoctor } from '../doctor/doctor.js';
import { createLogger } from '../../core/log.js';
import type { CliCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { configFile, noConfigHint } from './job-setup.js';
import type { CheckResult } from '../doctor/check.js';
import type { Output } from './output.js';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'check a set-up before a run: config, databases, queries, SFTP, Slack, archive, clock',
  json: true,
  define(command) {
    command.description(`Checks everything a run needs, one line per check with its fix when it fails, and changes nothing Lead
sees: the config; the ledger (it answers; each query of the program plans with the window parameters of
the newest date due, EXPLAIN in a read-only transaction, never run); the state store (it answers, is
migrated, at this version's schema); the clock against the database's now(); the archive folder
(writable, at least 1 GiB free); SFTP (the server answers, its host key matches the pin, it takes the key,
each folder the program writes exists and takes a temporary file that is removed at once, each folder
Lead writes can be listed); Lead's Slack channel when configured (auth.test, conversations.info).

Exit codes: 0 every check passed, 1 some check failed, 2 the config itself is wrong.`);
  },
  async run({ io, globals, out }) {
    const file = configFile(globals, io);
    const report = await runDoctor({
      ...(file ? { configFile: file } : { noConfigHint: noConfigHint() }), env: io.env, clock: io.clock,
      // The checks report every failure themselves; the log would only repeat them.
      logger: io.logger ?? createLogger({ level: globals.logLevel ?? 'silent' }),
    });
    const exitCode = report.configInvalid ? EXIT.usage : report.ok ? EXIT.ok : EXIT.failed;
    out.result({ ok: report.ok, exitCode, config: report.config, checks: report.checks });
    for (const check of report.checks) out.say(checkLine(check, out));
    const failed = report.checks.filter((c) => c.status === 'fail').length;
    out.say(report.ok ? out.paint('green', `All ${report.checks.length} checks passed.`) : out.paint(['red', 'bold'], `${failed} of ${report.checks.length} checks failed.`));
    return exitCode;
  },
};

function checkLine(check: CheckResult, out: Output): string {
  const mark = check.status === 'pass' ? out.paint('green', 'ok  ') : check.status === 'fail' ? out.paint(['red', 'bold'], 'FAIL') : out.paint('gray', 'skip');
  return `${mark}  ${check.title}: ${check.detail}${check.fix ? ` — fix: ${check.fix}` : ''}`;
}
