import type { DateTime } from 'luxon';
import { LeadEtlError } from '../core/errors.js';
import { activityWindow, type FileDate } from '../core/file-date.js';
import type { PipelineConfig } from './pipeline-config.js';

/**
 * Dates that can never be sent now are refused before anything is built or recorded (a usage error,
 * exit 2): a date before the program's Day 0 (Lead takes nothing dated before it), and a date whose
 * activity day (T-1 in the program's zone) has not closed, plus `upload.settleMinutes` for the late
 * postings of that day. Returns the reason, or undefined when the date may be sent.
 */
export function dateRefusal(config: Pick<PipelineConfig, 'program' | 'upload'>, now: DateTime, fileDate: FileDate): string | undefined {
  const first = config.program.firstFileDate as FileDate | undefined;
  if (first && fileDate < first) {
    return `refused: ${fileDate} is before the program's Day 0 ${first} (program.firstFileDate); Lead takes no file dated before it`;
  }
  const window = activityWindow(fileDate, config.program.timeZone);
  const settled = window.end.plus({ minutes: config.upload.settleMinutes });
  if (now < settled) {
    return `refused: ${fileDate} carries the activity of ${window.activityDate}, which ends at ${window.end.toFormat('yyyy-LL-dd HH:mm ZZZZ')} ` +
      `and settles ${config.upload.settleMinutes} min later (upload.settleMinutes); run it from ${settled.toFormat('yyyy-LL-dd HH:mm ZZZZ')}`;
  }
  return undefined;
}

export function assertDateSendable(config: Pick<PipelineConfig, 'program' | 'upload'>, now: DateTime, fileDate: FileDate): void {
  const refusal = dateRefusal(config, now, fileDate);
  if (refusal) throw new LeadEtlError('DATE_REFUSED', refusal);
}
