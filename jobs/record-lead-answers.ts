import type { Clock } from '../core/clock.js';
import type { Database } from '../core/database.js';
import type { FileDate } from '../core/file-date.js';
import type { LeadAnswer } from '../load/lead-message-patterns.js';
import { filesForDate, liveFile, type FileRecord } from '../load/state/state-store.js';
import type { Workflow } from '../transform/file-type-spec.js';
import { fileTypeById } from '../transform/file-types/registry.js';
import { acknowledgeDate } from './acknowledge-date.js';
import { acknowledgeBatch } from './send-batch.js';

/**
 * Records what Lead answered (read from its channel) in the state store, through acknowledgeDate, so
 * the next run knows whether a date may go and which file types to rebuild:
 * - a workflow validated: the files Lead names move to validated;
 * - a workflow rejected: the files Lead says failed move to rejected (the next run sends their next
 *   version); when Lead names no file (a missing file, a day out of order), every file of the workflow.
 * A file is acknowledged only when the name Lead gives is the version this state store has in play and
 * uploaded; anything else is reported, never guessed at.
 */
export interface RecordedAnswers {
  readonly validated: readonly { readonly fileDate: FileDate; readonly workflow: Workflow; readonly files: readonly string[] }[];
  readonly rejected: readonly { readonly fileDate: FileDate; readonly workflow: Workflow; readonly fileTypes: readonly string[]; readonly reasons: readonly string[] }[];
  /** Answers that changed nothing here: refused uploads, posted files, batches, names this store does not hold in play. */
  readonly notes: readonly { readonly answer: LeadAnswer; readonly note: string }[];
}

export async function recordLeadAnswers(
  state: Database,
  clock: Clock,
  answers: readonly LeadAnswer[],
  options: { readonly source: string },
): Promise<RecordedAnswers> {
  const validated: RecordedAnswers['validated'][number][] = [];
  const rejected: RecordedAnswers['rejected'][number][] = [];
  const notes: RecordedAnswers['notes'][number][] = [];
  // File-level failures wait for the workflow's own message, which comes right after them.
  const failing = new Map<string, LeadAnswer[]>();
  const groupKey = (a: LeadAnswer) => `${a.fileDate}:${a.workflow}`;

  async function reject(fileDate: FileDate, workflow: Workflow, fileAnswers: readonly LeadAnswer[], summary: LeadAnswer | undefined): Promise<void> {
    const files = await filesForDate(state.db, fileDate);
    const named = fileAnswers.map((a) => a.file!);
    const targets = named.length > 0
      ? inPlayUploaded(files, named, (name, why) => notes.push({ answer: fileAnswers.find((a) => a.file === name)!, note: why }))
      : files.filter((f) => fileTypeById(f.fileType).workflow === workflow && liveFile(files, f.fileType)?.id === f.id && f.status === 'uploaded');
    const reasons = [...fileAnswers, ...(summary ? [summary] : [])].map((a) => a.reason ?? a.text);
    if (targets.length === 0) {
      notes.push({ answer: summary ?? fileAnswers[0]!, note: `no uploaded file of ${fileDate} matches; nothing recorded` });
      return;
    }
    const fileTypes = targets.map((f) => f.fileType);
    await acknowledgeDate(state, clock, fileDate, { outcome: 'rejected', source: options.source, note: reasons.join(' | '), fileTypes });
    rejected.push({ fileDate, workflow, fileTypes, reasons });
  }

  for (const answer of answers) {
    if (answer.batchId && (answer.outcome === 'validated' || (answer.outcome === 'rejected' && !answer.file))) {
      // An extra Customer batch of the day (the daily batch is named by its date).
      try {
        const moved = await acknowledgeBatch({ state, clock }, answer.batchId, { outcome: answer.outcome, source: options.source, note: answer.reason ?? answer.text });
        if (answer.outcome === 'validated') validated.push({ fileDate: moved[0]!.fileDate, workflow: 'customer', files: moved.map((f) => f.name) });
        else rejected.push({ fileDate: moved[0]!.fileDate, workflow: 'customer', fileTypes: moved.map((f) => f.fileType), reasons: [answer.reason ?? answer.text] });
      } catch (error) {
        notes.push({ answer, note: (error as Error).message });
      }
      continue;
    }
    if (!answer.fileDate || !answer.workflow) {
      notes.push({ answer, note: answer.batchId ? 'a Customer batch file answer; the batch message that follows records it' : 'names no file date' });
      continue;
    }
    const { fileDate, workflow } = answer;
    if (answer.outcome === 'validated') {
      const files = await filesForDate(state.db, fileDate);
      const targets = inPlayUploaded(files, answer.files ?? [], (_name, why) => notes.push({ answer, note: why }));
      if (targets.length > 0) {
        await acknowledgeDate(state, clock, fileDate, { outcome: 'validated', source: options.source, note: answer.text, fileTypes: targets.map((f) => f.fileType) });
        validated.push({ fileDate, workflow, files: targets.map((f) => f.name) });
      }
    } else if (answer.outcome === 'rejected' && answer.file) {
      failing.set(groupKey(answer), [...(failing.get(groupKey(answer)) ?? []), answer]);
    } else if (answer.outcome === 'rejected') {
      const fileAnswers = failing.get(groupKey(answer)) ?? [];
      failing.delete(groupKey(answer));
      await reject(fileDate, workflow, fileAnswers, answer);
    } else {
      notes.push({ answer, note: answer.outcome === 'posted' ? 'Lead posted a file' : 'an upload Lead did not accept; the workflow is unchanged' });
    }
  }
  // File failures Lead reported without a workflow message: still failures.
  for (const fileAnswers of failing.values()) await reject(fileAnswers[0]!.fileDate!, fileAnswers[0]!.workflow!, fileAnswers, undefined);
  return { validated, rejected, notes };
}

/** The records Lead named that are the version in play and uploaded; the others are reported through `skip`. */
function inPlayUploaded(files: readonly FileRecord[], names: readonly string[], skip: (name: string, why: string) => void): FileRecord[] {
  const targets: FileRecord[] = [];
  for (const name of names) {
    const record = files.find((f) => f.name === name);
    if (!record) {
      skip(name, `Lead named ${name}, which this state store never sent`);
    } else if (liveFile(files, record.fileType)?.id !== record.id) {
      skip(name, `Lead named ${name}, but ${liveFile(files, record.fileType)?.name ?? 'no version'} is the version in play`);
    } else if (record.status === 'uploaded') {
      targets.push(record);
    } else if (record.status !== 'validated') {
      skip(name, `Lead named ${name}, which is ${record.status} here`);
    }
  }
  return targets;
}
