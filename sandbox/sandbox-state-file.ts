import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { LeadEtlError } from '../core/errors.js';
import type { FileDate } from '../core/file-date.js';
import type { WorkflowSet } from './workflow-set.js';

/**
 * What Lead's side remembers between runs of `lead-etl sandbox` on one folder: Day 0, the files it has
 * taken in, and every workflow set with its state. Without it a restart would take every file in the
 * folders for a new upload and process (and announce) them all again.
 */
export interface SandboxState {
  readonly day0?: FileDate;
  /** Remote paths of every file taken in (processed or refused). */
  readonly seen: readonly string[];
  readonly sets: readonly WorkflowSet[];
  /** File dates whose Sales Request was posted. */
  readonly salesRequests: readonly string[];
}

const FORMAT = 1;

export function readSandboxState(path: string): SandboxState | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: SandboxState & { format?: number };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as SandboxState & { format?: number };
  } catch (cause) {
    throw new LeadEtlError('CONFIG_UNREADABLE', `sandbox state ${path} cannot be read: ${(cause as Error).message}; move it away to start afresh`, { cause });
  }
  if (parsed.format !== FORMAT) throw new LeadEtlError('CONFIG_UNREADABLE', `sandbox state ${path} has format ${String(parsed.format)}, expected ${FORMAT}`);
  return { seen: parsed.seen ?? [], sets: parsed.sets ?? [], salesRequests: parsed.salesRequests ?? [], ...(parsed.day0 ? { day0: parsed.day0 } : {}) };
}

/** Written whole and renamed into place, so a crash leaves the old state or the new one. */
export async function writeSandboxState(path: string, state: SandboxState): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify({ format: FORMAT, ...state }, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}
