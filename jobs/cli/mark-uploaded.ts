import type { FileDate } from '../../core/file-date.js';
import { withDateLock } from '../../load/state/date-lock.js';
import { markUploaded } from '../mark-uploaded.js';
import type { CliCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { fileJson } from './file-json.js';
import { configFrom, withContext } from './job-setup.js';
import { dateOption } from './options.js';

export const markUploadedCommand: CliCommand = {
  name: 'mark-uploaded',
  summary: 'record a file an operator sent to Lead by hand, so it is neither re-sent nor lost',
  json: true,
  define(command) {
    command
      .description(`With --path: archives FILE, records it as uploaded with its checksum and the rows it carried, and takes
its version number (from its name) so it is never reused. Only for a type that has no version in play.
Without --path: records the version in play of TYPE (one an interrupted upload left waiting, see
UPLOAD_UNCERTAIN) as received, once Lead confirmed it has it.`)
      .addOption(dateOption('--date <T>', 'the file date').makeOptionMandatory())
      .requiredOption('--file <type>', 'the file type (e.g. balances)')
      .option('--path <file>', 'the file that was sent by hand, named as Lead received it')
      .option('--sha256 <hex>', 'the checksum of what was sent, to check the file against')
      .option('--note <text>', 'who sent it and why, kept with the record')
      .option('--by <name>', 'who decided (default: the OS user)');
  },
  async run({ io, globals, out }, options: { date: FileDate; file: string; path?: string; sha256?: string; note?: string; by?: string }) {
    const config = configFrom(globals, io);
    const record = await withContext(config, io, (ctx) => withDateLock(ctx.state, `date:${options.date}`, () => markUploaded(ctx, {
      fileDate: options.date, fileType: options.file,
      ...(options.path ? { localPath: options.path } : {}),
      ...(options.by ? { by: options.by } : {}),
      ...(options.sha256 ? { sha256: options.sha256 } : {}),
      ...(options.note ? { note: options.note } : {}),
    })));
    out.result({ file: fileJson(record) });
    out.say(`recorded  ${record.name}  ${options.path ? 'uploaded by hand' : 'received by Lead'}  sha256=${record.sha256}`);
    return EXIT.ok;
  },
};
