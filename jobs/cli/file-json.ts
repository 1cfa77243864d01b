import type { FileRecord } from '../../load/state/state-store.js';

/** A file version as every `--json` answer spells it (docs/cli-json.md). */
export interface FileJson {
  readonly name: string;
  readonly fileDate: string;
  readonly fileType: string;
  readonly version: number;
  readonly batchId: string | null;
  readonly status: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly remotePath: string;
  readonly uploadedAt: string | null;
}

export function fileJson(f: FileRecord): FileJson {
  return {
    name: f.name, fileDate: f.fileDate, fileType: f.fileType, version: f.version, batchId: f.batchId, status: f.status,
    rows: f.rows, bytes: f.bytes, sha256: f.sha256, remotePath: f.remotePath, uploadedAt: f.uploadedAt,
  };
}
