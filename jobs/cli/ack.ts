import { Option } from 'commander';
import { LeadEtlError } from '../../core/errors.js';
import { parseFileDate, type FileDate } from '../../core/file-date.js';
import { WORKFLOWS, type Workflow } from '../../core/workflows.js';
import { directionOf } from '../../transform/file-type-spec.js';
import { acknowledgeDate, checkAckSelection } from '../acknowledge-date.js';
import { acknowledgeBatch, parseBatchId } from '../send-batch.js';
import type { CliCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { fileJson } from './file-json.js';
import { configFrom, withContext } from './job-setup.js';
import { dateOption, listArg } from './options.js';

interface AckOptions {
  date?: FileDate;
  batch?: string;
  validated?: boolean;
  rejected?: boolean;
  workflow?: Workflow;
  file?: string[];
  reason?: string;
  note?: string;
}

export const ackCommand: CliCommand = {
  name: 'ack',
  summary: "record Lead's answer (validated or rejected) for a date's uploaded files",
  json: true,
  define(command) {
    command
      .description(`Records Lead's answer (read in its Slack channel) for the uploaded files of a date or customer batch:
all of them, those of one workflow, or the file types named. The daemon does this itself when
acknowledgements.slack is configured; without it, this is how a date moves on: each workflow of a date
waits for Lead's answer on the one before, so a date takes one \`run\` and one \`ack\` per workflow.
After a rejection, \`lead-etl rerun --date T\` rebuilds the rejected types and sends the next version.`)
      .addOption(dateOption('--date <T>', 'the file date'))
      .option('--batch <id>', 'an extra Customer batch (<T>-02...) instead of a date')
      .addOption(new Option('--validated', 'Lead processed the files successfully').conflicts('rejected'))
      .addOption(new Option('--rejected', 'Lead rejected the files').conflicts('validated'))
      .option('--workflow <w>', `only the files of this workflow (${WORKFLOWS.join(', ')})`)
      .option('--file <types>', 'only these file types, comma-separated', listArg)
      .option('--reason <text>', "Lead's words: the reason of a rejection, or its message")
      .addOption(new Option('--note <text>', 'the same as --reason').hideHelp());
  },
  async run({ io, globals, out }, options: AckOptions) {
    if (!options.validated && !options.rejected) throw new LeadEtlError('USAGE', 'give one of --validated or --rejected');
    const outcome = options.validated ? 'validated' : 'rejected';
    const note = options.reason ?? options.note;
    const config = configFrom(globals, io);
    // An extra Customer batch (<date>-NN) is answered on its own; the daily batch is named by its date.
    if (options.batch && options.batch.length > 10) {
      const batchId = options.batch;
      parseBatchId(batchId);
      const moved = await withContext(config, io, (ctx) => acknowledgeBatch(ctx, batchId, { outcome, source: 'operator', ...(note ? { note } : {}) }));
      out.result({ batchId, outcome, files: moved.map(fileJson) });
      for (const f of moved) out.say(`${f.status}  ${f.name}`);
      return EXIT.ok;
    }
    const date = options.date ?? (options.batch ? dateOf(options.batch) : undefined);
    if (!date) throw new LeadEtlError('USAGE', 'give --date T (or --batch ID)');
    checkAckSelection(config, { ...(options.workflow ? { workflow: options.workflow } : {}) });
    const sent = config.program.files.filter((t) => directionOf(t.spec) === 'outbound');
    const unknown = (options.file ?? []).filter((id) => !sent.some((t) => t.spec.id === id));
    if (unknown.length > 0) throw new LeadEtlError('USAGE', `--file ${unknown.join(', ')} is not a file type this program sends (${sent.map((t) => t.spec.id).join(', ')})`);
    const fileTypes = options.file ?? (options.workflow ? sent.filter((t) => t.spec.workflow === options.workflow).map((t) => t.spec.id) : undefined);
    const moved = await withContext(config, io, (ctx) => acknowledgeDate(ctx.state, ctx.clock, date, {
      outcome, source: 'operator', ...(note ? { note } : {}), ...(fileTypes ? { fileTypes } : {}),
    }));
    out.result({ fileDate: date, outcome, files: moved.map(fileJson) });
    for (const f of moved) out.say(`${f.status}  ${f.name}`);
    return EXIT.ok;
  },
};

function dateOf(batch: string): FileDate {
  try {
    return parseFileDate(batch, '--batch');
  } catch {
    throw new LeadEtlError('USAGE', `--batch ${batch} is not a batch id (<date> for the daily batch, <date>-NN for an extra one)`);
  }
}
