import { runSandbox, untilSignal } from '../run-sandbox.js';
import type { CliCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { dateOption, repeatArg, wholeNumber } from './options.js';
import type { FileDate } from '../../core/file-date.js';

export const sandboxCommand: CliCommand = {
  name: 'sandbox',
  summary: "play Lead's side locally: SFTP with Lead's folders, workflows, and a Slack-like channel over HTTP",
  json: false,
  define(command) {
    command
      .description(`Starts a local stand-in for Lead's SFTP server and Slack alerts channel, until Ctrl-C (SIGINT) or
SIGTERM. The partner uploads into Lead's folders (read-only: sales_request, bank-account-reports) with
key authentication to a host key kept in DIR/keys. Uploads are grouped into Lead's workflows by date or
batch; a set is processed once nothing arrived for the quiet period, all or nothing, with Lead's rules
(day T only after T-1 validated; a resubmission carries a higher version and is processed with the other
files' earlier versions; nothing more once a date validated). Every outcome is posted in the channel,
readable like Slack's conversations.history. Credit programs get a Sales Request after each Financial
workflow validates. On a demo's folder it is that demo's Lead again (same keys, files and channel).`)
      .option('--dir <dir>', "the sandbox's folder: sftp/, channel.jsonl, keys/", 'var/sandbox')
      .option('--program <p>', 'deposit, credit, all, or a profile JSON file: which folders and workflows', 'deposit')
      .addOption(dateOption('--day0 <date>', "Lead's Day 0 for the program (default: the first date received)"))
      .option('--sftp-port <n>', 'SFTP port on 127.0.0.1 (default: a free port)', wholeNumber(0, 65535))
      .option('--http-port <n>', 'channel API port on 127.0.0.1 (default: a free port)', wholeNumber(0, 65535))
      .option('--quiet-seconds <s>', 'how long a set must be quiet before it is processed', wholeNumber(0), 120)
      .option('--poll-seconds <s>', 'how often the folders are checked', wholeNumber(1), 5)
      .option('--reject <date:type>', 'reject the first version of file type TYPE on date DATE (or Day index); repeatable', repeatArg, []);
  },
  async run({ io, globals }, options: { dir: string; program: string; day0?: FileDate; sftpPort?: number; httpPort?: number; quietSeconds: number; pollSeconds: number; reject: string[] }) {
    await runSandbox({
      dir: options.dir, program: options.program, rejects: options.reject, quietSeconds: options.quietSeconds, pollSeconds: options.pollSeconds,
      ...(options.day0 ? { day0: options.day0 } : {}),
      ...(options.sftpPort !== undefined ? { sftpPort: options.sftpPort } : {}),
      ...(options.httpPort !== undefined ? { httpPort: options.httpPort } : {}),
      ...(globals.logLevel ? { logLevel: globals.logLevel } : {}),
    }, io, io.untilStopped ?? untilSignal);
    return EXIT.ok;
  },
};
