import { directionOf, namingOf, type FileTypeSpec, type Workflow } from '../transform/file-type-spec.js';
import { fileTypeById } from '../transform/file-types/registry.js';
import { salesRequest } from '../transform/file-types/sales-request.js';
import type { ProgramFileType } from '../transform/program-file-types.js';
import type { LeadProgramSetup } from './lead-programs.js';

/**
 * Lead's folders on its SFTP server for one program (sftp-process.md, section 3): the partner reads
 * and writes the folders it submits to (one per file type Lead expects from it, and `documents`), and
 * only reads those Lead writes to (`sales_request`, `bank-account-reports`). Which file types Lead
 * expects is Lead's setup of the program (lead-programs.ts); their folder names and columns are the ones
 * agreed with the partner (its profile), so the sandbox lays out what the pipeline was configured for.
 */
export interface LeadLayout {
  /** The file types Lead expects from the partner, in Lead's object order. */
  readonly partnerTypes: readonly FileTypeSpec[];
  /** The same with their agreed shape, and the files Lead writes, for Lead's checks. */
  readonly programFiles: readonly ProgramFileType[];
  /** Partner-writable folder → the file types Lead expects in it. */
  readonly partnerFolders: ReadonlyMap<string, readonly FileTypeSpec[]>;
  readonly documentsFolder: string;
  /** Folders Lead writes; the partner may only read them. */
  readonly readOnlyFolders: readonly string[];
  /** Where Lead posts the Sales Request, and how it names it. */
  readonly salesRequest: FileTypeSpec;
  /**
   * Whether Lead sells this program's receivables: it posts a Sales Request after each day's Financial
   * workflow validates, for the program to answer (sales.md).
   */
  readonly sellsReceivables: boolean;
  /** The workflows named by date that the program sends every day; day T waits for all of them on T-1. */
  readonly dailyWorkflows: readonly Workflow[];
}

// Lead posts its daily reports here (sandbox docs); nothing in lead-etl reads them yet.
const BANK_ACCOUNT_REPORTS = 'bank-account-reports';

/**
 * `files`: the partner's file types with its profile applied. `lead`: Lead's setup of the program; without
 * one, Lead expects exactly what `files` sends (a test's hand-picked program).
 */
export function leadLayout(files: readonly ProgramFileType[], options: { lead?: LeadProgramSetup; documentsFolder?: string } = {}): LeadLayout {
  const agreed = (id: FileTypeSpec['id']): ProgramFileType => files.find((f) => f.spec.id === id) ?? { spec: fileTypeById(id), versionFormat: 'V{n}', valueMaps: [] };
  const outbound = options.lead
    ? options.lead.requires.map(agreed)
    : files.filter((f) => directionOf(f.spec) === 'outbound');
  const partnerTypes = outbound.map((f) => f.spec);
  const partnerFolders = new Map<string, FileTypeSpec[]>();
  for (const spec of partnerTypes) partnerFolders.set(spec.folder, [...(partnerFolders.get(spec.folder) ?? []), spec]);
  const request = agreed(salesRequest.id);
  const dailyWorkflows = [...new Set(partnerTypes.filter((spec) => namingOf(spec) === 'date').map((spec) => spec.workflow))];
  const sellsReceivables = options.lead ? options.lead.sellsReceivables : partnerTypes.some((spec) => spec.answers === salesRequest.id);
  return {
    partnerTypes,
    programFiles: [...outbound, ...(sellsReceivables ? [request] : [])],
    partnerFolders,
    documentsFolder: options.documentsFolder ?? 'documents',
    readOnlyFolders: [request.spec.folder, BANK_ACCOUNT_REPORTS],
    salesRequest: request.spec,
    sellsReceivables,
    dailyWorkflows,
  };
}

/** The file types of one workflow the program sends, in Lead's order. */
export function workflowTypes(layout: LeadLayout, workflow: Workflow): FileTypeSpec[] {
  return layout.partnerTypes.filter((spec) => spec.workflow === workflow);
}
