import type { FileDate } from '../../core/file-date.js';
import { describeRowProblem } from '../../transform/row-problem.js';
import { sendCustomerBatch } from '../send-batch.js';
import type { CliCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { fileJson } from './file-json.js';
import { configFrom, withContext } from './job-setup.js';
import { dateOption } from './options.js';

export const batchCommand: CliCommand = {
  name: 'batch',
  summary: 'send an extra Customer batch now: customers new or changed since they were last sent',
  json: true,
  define(command) {
    command
      .description(`Lead takes Customer (and Customer Relationship) files as often as needed in a day, each batch under
its own id. This builds the customers (and relationships) new or changed since they were last sent, as
of now, names the batch <T>-02, <T>-03... (the daily batch is named by the date itself; both files of a
batch share its id, never reused), checks it and sends it at once. Nothing is sent when nothing changed.`)
      .addOption(dateOption('--date <T>', 'the date the batch belongs to (default: today in the program\'s zone)'));
  },
  async run({ io, globals, out }, options: { date?: FileDate }) {
    const config = configFrom(globals, io);
    const date = options.date ?? (io.clock.now().setZone(config.program.timeZone).toISODate()! as FileDate);
    const result = await withContext(config, io, (ctx) => sendCustomerBatch(ctx, date));
    const exitCode = result.outcome === 'ok' ? EXIT.ok : EXIT.failed;
    out.result({ fileDate: date, batchId: result.batchId, outcome: result.outcome, message: result.message, exitCode, uploaded: result.uploaded.map(fileJson), problems: result.problems });
    for (const p of result.problems) out.warn(describeRowProblem(p));
    for (const f of result.uploaded) out.say(`uploaded  ${f.remotePath}`);
    if (result.outcome === 'ok') out.say(result.message);
    else out.warn(`lead-etl batch: ${result.message}`);
    return exitCode;
  },
};
