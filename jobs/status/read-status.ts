import type { FileDate } from '../../core/file-date.js';
import type { Database } from '../../core/database.js';
import type { Clock } from '../../core/clock.js';
import { answersBetween, latestRunsBetween } from '../../load/state/answer-log.js';
import { listFiles } from '../../load/state/state-store.js';
import { openLateEntries } from '../../load/state/submitted-records.js';
import type { PipelineConfig } from '../pipeline-config.js';
import { buildStatusPicture, type StatusPicture } from './status-picture.js';

/** Reads what the picture needs from the state store, for every date of the program. */
export async function readStatusPicture(
  source: { readonly config: PipelineConfig; readonly state: Database; readonly clock: Clock },
  /** Where Lead's answers are read from, when not the configured Slack channel (the daemon's sources). */
  options: { readonly slackChannel?: string | null } = {},
): Promise<StatusPicture> {
  const { config, state } = source;
  const db = state.db;
  const everything: { from?: FileDate; to?: FileDate } = {};
  const [files, answers, runs, lateEntries] = await Promise.all([
    listFiles(db, everything), answersBetween(db, everything), latestRunsBetween(db, everything), openLateEntries(db),
  ]);
  return buildStatusPicture({
    program: {
      name: config.program.name, profile: config.program.profile.name, timeZone: config.program.timeZone,
      ...(config.program.firstFileDate ? { firstFileDate: config.program.firstFileDate } : {}),
      files: config.program.files,
    },
    workflowOrder: config.workflows.order,
    waitForPrevious: config.workflows.waitForPrevious,
    requirePreviousDayValidated: config.upload.requirePreviousDayValidated,
    buildAfter: config.schedule.buildAfter,
    slackChannel: options.slackChannel !== undefined ? options.slackChannel : config.acknowledgements.slack?.channel ?? null,
    now: source.clock.now(),
    files, answers, runs, lateEntries,
  });
}

/** The picture's rows from `from` to `to` (both optional), the streak and the rest kept whole. */
export function pictureBetween(picture: StatusPicture, range: { from?: FileDate; to?: FileDate }): StatusPicture {
  return { ...picture, dates: picture.dates.filter((d) => (!range.from || d.fileDate >= range.from) && (!range.to || d.fileDate <= range.to)) };
}
