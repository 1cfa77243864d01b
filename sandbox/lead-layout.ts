import { directionOf, namingOf, type FileTypeSpec, type Workflow } from '../transform/file-type-spec.js';
import { salesRequest } from '../transform/file-types/sales-request.js';
import type { ProgramFileType } from '../transform/program-file-types.js';

/**
 * Lead's folders on its SFTP server for one program (sftp-process.md, section 3): the partner reads
 * and writes the folders it submits to (one per file type it sends, and `documents`), and only reads
 * those Lead writes to (`sales_request`, `bank-account-reports`). Folder names come from the program's
 * profile, so the sandbox lays out exactly what the pipeline was configured to expect.
 */
export interface LeadLayout {
  /** The file types the partner sends (the profile's outbound types), in Lead's object order. */
  readonly partnerTypes: readonly FileTypeSpec[];
  /** Partner-writable folder → the file types Lead expects in it. */
  readonly partnerFolders: ReadonlyMap<string, readonly FileTypeSpec[]>;
  readonly documentsFolder: string;
  /** Folders Lead writes; the partner may only read them. */
  readonly readOnlyFolders: readonly string[];
  /** Where Lead posts the Sales Request, and how it names it. */
  readonly salesRequest: FileTypeSpec;
  /**
   * Whether Lead sells this program's receivables: a program that answers Sales Requests gets one
   * after each day's Financial workflow validates (sales.md).
   */
  readonly sellsReceivables: boolean;
  /** The workflows named by date that the program sends every day; day T waits for all of them on T-1. */
  readonly dailyWorkflows: readonly Workflow[];
}

// Lead posts its daily reports here (sandbox docs); nothing in lead-etl reads them yet.
const BANK_ACCOUNT_REPORTS = 'bank-account-reports';

export function leadLayout(files: readonly ProgramFileType[], documentsFolder = 'documents'): LeadLayout {
  const partnerTypes = files.map((f) => f.spec).filter((spec) => directionOf(spec) === 'outbound');
  const partnerFolders = new Map<string, FileTypeSpec[]>();
  for (const spec of partnerTypes) partnerFolders.set(spec.folder, [...(partnerFolders.get(spec.folder) ?? []), spec]);
  const request = files.find((f) => f.spec.id === salesRequest.id)?.spec ?? salesRequest;
  const dailyWorkflows = [...new Set(partnerTypes.filter((spec) => namingOf(spec) === 'date').map((spec) => spec.workflow))];
  return {
    partnerTypes,
    partnerFolders,
    documentsFolder,
    readOnlyFolders: [request.folder, BANK_ACCOUNT_REPORTS],
    salesRequest: request,
    sellsReceivables: partnerTypes.some((spec) => spec.id === 'sales_response'),
    dailyWorkflows,
  };
}

/** The file types of one workflow the program sends, in Lead's order. */
export function workflowTypes(layout: LeadLayout, workflow: Workflow): FileTypeSpec[] {
  return layout.partnerTypes.filter((spec) => spec.workflow === workflow);
}
