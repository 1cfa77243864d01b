import { LeadEtlError } from '../../core/errors.js';
import { configuredPatterns } from '../../load/lead-message-patterns.js';
import { slackAcknowledgements } from '../../load/slack-acknowledgements.js';
import { cronTicker, startDaemon } from '../daemon.js';
import { untilSignal } from '../run-sandbox.js';
import type { CliCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { configFrom, withContext } from './job-setup.js';

export const daemonCommand: CliCommand = {
  name: 'daemon',
  summary: 'run unattended: every few minutes, send what is due, read answers, raise alerts',
  json: false,
  define(command) {
    command.description(`Ticks every schedule.tickMinutes (in UTC, so DST can neither skip nor double a tick). Each tick works
from the state store: it records Lead's answers from its Slack channel (acknowledgements.slack; without
one, nothing records them but \`lead-etl ack\`, and dates wait for it), builds and sends every due date
in order from Day 0 (catching up any missed while the process was down), and alerts (log and Slack
webhook) once per event on the last 7 dates: a date not uploaded shortly before 06:00 CT on T+1, an
answer overdue, a rejection waiting for a rerun. Several replicas may run against one state database;
one acts per tick. On daemon.httpHost:daemon.httpPort: /healthz (alive), /readyz (503 while ticks fail,
with the reason) and /metrics (Prometheus). Without a Slack channel, the log says what each date waits
for. Stops cleanly on SIGINT or SIGTERM (a tick in progress finishes first).`);
  },
  async run({ io, globals, out }) {
    const config = configFrom(globals, io);
    if (!config.program.firstFileDate) throw new LeadEtlError('CONFIG_INVALID', 'config key program.firstFileDate (Lead\'s Day 0) is required to run the daemon');
    await withContext(config, io, async (ctx) => {
      const slack = config.acknowledgements.slack;
      const ackSources = slack ? [slackAcknowledgements({
        name: 'slack', baseUrl: slack.baseUrl, token: slack.token, channel: slack.channel, db: ctx.state.db, clock: ctx.clock, logger: ctx.logger,
        specs: config.program.files.map((t) => t.spec),
        ...(slack.patterns ? { patterns: configuredPatterns(slack.patterns) } : {}),
      })] : [];
      const daemon = await startDaemon(ctx, { ticker: cronTicker(config.schedule.tickMinutes), ackSources });
      out.say(`lead-etl daemon: ticking every ${config.schedule.tickMinutes} min; /healthz, /readyz and /metrics on http://${config.daemon.httpHost}:${daemon.httpPort}`);
      if (!slack) {
        out.say('lead-etl daemon: no Slack channel configured (acknowledgements.slack): record each of Lead\'s answers with `lead-etl ack`; `lead-etl status` says what each date waits for');
      }
      const signal = await (io.untilStopped ?? untilSignal)();
      out.say(`${signal}: stopping the daemon`);
      await daemon.close();
    });
    return EXIT.ok;
  },
};
