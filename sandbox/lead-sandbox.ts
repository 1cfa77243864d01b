import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Profile } from '../config/profile-schema.js';
import type { Clock } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import { parseFileDate, type FileDate } from '../core/file-date.js';
import { silentLogger, type Logger } from '../core/log.js';
import { startEmbeddedSftpServer } from './sftp/sftp-server.js';
import { namingOf, type Workflow } from '../transform/file-type-spec.js';
import { parseLeadFileName } from '../transform/lead-file-name.js';
import type { ProgramFileType } from '../transform/program-file-types.js';
import { startChannelHttpApi } from './channel-http-api.js';
import { openChannelLog, type ChannelMessage } from './channel-log.js';
import type { RateLimitSettings } from './channel-rate-limit.js';
import { leadLayout, type LeadLayout } from './lead-layout.js';
import { fileNotAccepted, filePosted, WORKFLOW_TITLES } from './lead-messages.js';
import { processWorkflowSet, readyToProcess, WORKFLOW_ORDER } from './process-workflow-set.js';
import type { RejectFault } from './reject-faults.js';
import { postSalesRequest } from './sales-request.js';
import { createPreflightValidator } from './preflight-validator.js';
import { readSandboxState, writeSandboxState } from './sandbox-state-file.js';
import type { FileToValidate, SetValidator } from './set-validator.js';
import { scanUploads } from './upload-intake.js';
import { admitFile, filesInPlay, setId, type ReceivedFile, type WorkflowSet } from './workflow-set.js';

/**
 * Lead's side of the file exchange, played locally (`lead-etl sandbox`, the demo, the tests): an SFTP
 * server with Lead's folder layout and key authentication, which groups what the partner uploads into
 * Lead's workflows, processes each set all or nothing once it has been quiet for a while, and reports
 * every outcome in a Slack-like channel that the pipeline reads over HTTP. For credit programs it posts
 * the daily Sales Request once a date's Financial workflow validates.
 *
 * Files are taken in and processed by `processPending()`: on a timer when `pollSeconds` is given, or
 * called by whoever drives the sandbox (tests with an injected clock, the demo after each upload).
 *
 * Its folder holds `sftp/` (what the partner sees as `/`), `channel.jsonl` (the channel) and
 * `sandbox-state.json` (Day 0, the files taken in, and each workflow set), so a restart carries on.
 */
export interface LeadSandboxOptions {
  readonly dir: string;
  /** The program's file types, its profile applied: they decide the folders and the workflows. */
  readonly files: readonly ProgramFileType[];
  /** The program's profile, for the validator (renamed columns, deposit or credit amounts). */
  readonly profile?: Profile;
  /** Of amounts in files without a currency column (Balances); default USD. */
  readonly programCurrency?: string;
  readonly clock: Clock;
  /** OpenSSH public key lines allowed to log in as `username`. */
  readonly authorizedPublicKeys: readonly string[];
  /** Default `partner`. */
  readonly username?: string;
  /** Default: a fresh ed25519 key (a new fingerprint each start). */
  readonly hostPrivateKey?: string;
  /** Lead's Day 0; by default the first date the sandbox processes. */
  readonly day0?: FileDate;
  /** How long a set must receive nothing before Lead processes it; default 120 s. */
  readonly quietSeconds?: number;
  /** Run processPending() this often; default never (the caller drives it). */
  readonly pollSeconds?: number;
  readonly faults?: readonly RejectFault[];
  /**
   * Default: Lead's checks from the pre-flight validator, each set read with what the sandbox validated
   * before it (createPreflightValidator); createBuiltInValidator is the minimal one.
   */
  readonly validator?: SetValidator;
  /** Default 0 (an ephemeral port); both servers bind 127.0.0.1. */
  readonly sftpPort?: number;
  readonly httpPort?: number;
  /** The bearer token of the channel API; default a fresh random one. */
  readonly token?: string;
  /** Slack's per-method rate limit, played by the channel API (429 with Retry-After); default none. */
  readonly channelRateLimit?: RateLimitSettings;
  /** Default `C0LEADSBX`. */
  readonly channelId?: string;
  readonly sales?: { readonly holdDays?: number; readonly imputedRateBps?: number };
  readonly documentsFolder?: string;
  readonly logger?: Logger;
  /** Called for every message posted, in order (the CLI prints them). */
  readonly onMessage?: (message: ChannelMessage) => void;
}

export interface LeadSandbox {
  readonly sftp: { readonly host: string; readonly port: number; readonly hostKeyFingerprint: string; readonly username: string; readonly rootDir: string };
  /** `url` is the API base: `${url}/api/conversations.history?channel=${id}`. */
  readonly channel: { readonly url: string; readonly token: string; readonly id: string };
  readonly layout: LeadLayout;
  /** Lead's Day 0: as configured, or the first date processed; undefined before that. */
  day0(): FileDate | undefined;
  /** Takes in what finished uploading, processes every set that is ready, and posts the outcomes. */
  processPending(): Promise<ProcessReport>;
  /** Every workflow set, customer batches first, then by date and workflow. */
  sets(): readonly WorkflowSet[];
  messages(): readonly ChannelMessage[];
  close(): Promise<void>;
}

export interface ProcessReport {
  /** Remote paths of the files taken in by this call (documents excepted). */
  readonly received: readonly string[];
  readonly processed: readonly { readonly workflow: Workflow; readonly key: string; readonly state: WorkflowSet['state'] }[];
  readonly messages: readonly ChannelMessage[];
}

const DEFAULT_QUIET_SECONDS = 120;

export async function startLeadSandbox(options: LeadSandboxOptions): Promise<LeadSandbox> {
  const log = (options.logger ?? silentLogger()).child({ component: 'lead-sandbox' });
  const { clock } = options;
  const layout = leadLayout(options.files, options.documentsFolder);
  const rootDir = join(options.dir, 'sftp');
  const partnerFolders = [...layout.partnerFolders.keys(), layout.documentsFolder];
  for (const folder of partnerFolders) await mkdir(join(rootDir, folder), { recursive: true });
  const statePath = join(options.dir, 'sandbox-state.json');
  const saved = readSandboxState(statePath);
  let day0 = options.day0 ?? saved?.day0;
  const seen = new Set(saved?.seen ?? []);
  const sets = new Map((saved?.sets ?? []).map((set) => [setId(set.workflow, set.key), set]));
  const salesRequests = new Set(saved?.salesRequests ?? []);
  const quietMs = (options.quietSeconds ?? DEFAULT_QUIET_SECONDS) * 1000;
  const validator = options.validator ?? createPreflightValidator({
    program: { files: options.files, ...(options.profile ? { profile: options.profile } : {}) },
    ...(options.programCurrency ? { programCurrency: options.programCurrency } : {}),
    context: (files) => ({ paths: validatedBefore(files), fromDay0: day0 !== undefined }),
  });
  const faults = options.faults ?? [];
  const username = options.username ?? 'partner';
  const token = options.token ?? `xoxb-sandbox-${randomBytes(16).toString('hex')}`;

  const channel = await openChannelLog({
    id: options.channelId ?? 'C0LEADSBX', path: join(options.dir, 'channel.jsonl'), clock,
    ...(options.onMessage ? { onPost: options.onMessage } : {}),
  });
  const sftp = await startEmbeddedSftpServer({
    rootDir, username, authorizedPublicKeys: [...options.authorizedPublicKeys],
    readOnlyDirs: layout.readOnlyFolders.map((folder) => `/${folder}`),
    ...(options.hostPrivateKey ? { hostPrivateKey: options.hostPrivateKey } : {}),
    ...(options.sftpPort !== undefined ? { port: options.sftpPort } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  let http;
  try {
    http = await startChannelHttpApi({
      channel, token,
      ...(options.httpPort !== undefined ? { port: options.httpPort } : {}),
      ...(options.channelRateLimit ? { rateLimit: options.channelRateLimit } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  } catch (error) {
    await sftp.close();
    throw error;
  }

  /**
   * What Lead holds that a set is checked against: the files of every validated set of an earlier date or
   * of the same date (another workflow), and every validated batch; for a batch, the validated batches.
   */
  function validatedBefore(files: readonly FileToValidate[]): string[] {
    const key = files[0]?.fileDate ?? '';
    const dated = files.some((f) => layout.partnerTypes.find((t) => t.id === f.fileType && namingOf(t) === 'date'));
    return [...sets.values()]
      .filter((set) => set.state === 'validated' && (set.naming === 'batch' || (dated && set.key <= key)))
      .sort(processingOrder)
      .flatMap((set) => filesInPlay(set).map((f) => f.localPath));
  }

  async function takeIn(say: (text: string) => Promise<void>): Promise<string[]> {
    const received: string[] = [];
    for (const upload of await scanUploads(rootDir, partnerFolders, seen)) {
      seen.add(upload.remotePath);
      // Documents are stored for the files that name them; they are not a workflow of their own.
      if (upload.folder === layout.documentsFolder) continue;
      received.push(upload.remotePath);
      const types = layout.partnerFolders.get(upload.folder) ?? [];
      const parsed = parseLeadFileName(upload.name, types);
      if (!parsed) {
        await say(fileNotAccepted(upload.name, `the name is not <date or batch id>_<file type>_V<n>.csv for ${types.map((t) => t.token).join(' or ')}, the file type${types.length > 1 ? 's' : ''} of folder ${upload.folder}`));
        continue;
      }
      const naming = namingOf(parsed.spec);
      if (naming === 'date' && !isDate(parsed.key)) {
        await say(fileNotAccepted(upload.name, `"${parsed.key}" is not a file date (YYYY-MM-DD)`));
        continue;
      }
      const file: ReceivedFile = {
        name: upload.name, folder: upload.folder, localPath: upload.localPath, fileType: parsed.spec.id, version: parsed.version,
        receivedAt: clock.now().toISO()!,
      };
      const workflow = parsed.spec.workflow;
      const id = setId(workflow, parsed.key);
      const admission = admitFile(sets.get(id), file, { workflow, key: parsed.key, naming, title: WORKFLOW_TITLES[workflow] });
      if (!admission.accepted) {
        await say(fileNotAccepted(upload.name, admission.reason));
        continue;
      }
      sets.set(id, admission.set);
      log.info({ file: upload.remotePath, workflow, key: parsed.key }, 'sandbox received a file');
    }
    return received;
  }

  async function postSales(fileDate: string, say: (text: string) => Promise<void>): Promise<void> {
    const transactionsType = layout.partnerTypes.find((spec) => spec.id === 'transactions');
    // Lead sells from what reached its books: the Transactions files of the validated Financial sets.
    const processedTransactions = [...sets.values()]
      .filter((set) => set.workflow === 'financial' && set.state === 'validated')
      .flatMap((set) => filesInPlay(set).filter((f) => f.fileType === 'transactions').map((f) => f.localPath));
    const posted = await postSalesRequest({
      sftpRoot: rootDir, fileDate: parseFileDate(fileDate), generatedAt: clock.now(),
      folder: layout.salesRequest.folder, token: layout.salesRequest.token, transactionsFiles: processedTransactions,
      ...(transactionsType ? { transactionsFolder: transactionsType.folder } : {}),
      ...options.sales,
    });
    salesRequests.add(fileDate);
    await say(filePosted(posted.path, layout.salesRequest.folder, `${posted.rows} sale(s) to answer with a Sales Response`));
  }

  async function runPending(): Promise<ProcessReport> {
    const posted: ChannelMessage[] = [];
    const say = async (text: string) => {
      posted.push(await channel.post(text));
    };
    const received = await takeIn(say);
    const now = clock.now();
    const processed: ProcessReport['processed'][number][] = [];
    const ready = [...sets.values()].filter((set) => readyToProcess(set, now, quietMs, layout)).sort(processingOrder);
    for (const set of ready) {
      if (set.naming === 'date') day0 ??= parseFileDate(set.key);
      const outcome = await processWorkflowSet(set, { layout, validator, faults, day0, setOf: (w, key) => sets.get(setId(w, key)) });
      sets.set(setId(set.workflow, set.key), outcome.set);
      log.info({ workflow: set.workflow, key: set.key, state: outcome.set.state, files: outcome.inPlay.map((f) => f.name) }, 'sandbox processed a workflow set');
      for (const text of outcome.texts) await say(text);
      processed.push({ workflow: set.workflow, key: set.key, state: outcome.set.state });
      if (outcome.set.state === 'validated' && set.workflow === 'financial' && layout.sellsReceivables && !salesRequests.has(set.key)) {
        await postSales(set.key, say);
      }
    }
    await writeSandboxState(statePath, { ...(day0 ? { day0 } : {}), seen: [...seen], sets: [...sets.values()], salesRequests: [...salesRequests] });
    return { received, processed, messages: posted };
  }

  // One pass at a time: a timer tick and a caller's call must not take in the same file twice.
  let queue: Promise<unknown> = Promise.resolve();
  const processPending = (): Promise<ProcessReport> => {
    const run = queue.catch(() => undefined).then(runPending);
    queue = run;
    return run;
  };
  const timer = options.pollSeconds
    ? setInterval(() => {
      processPending().catch((error: unknown) => log.error({ error: describeError(error) }, 'sandbox processing failed'));
    }, options.pollSeconds * 1000)
    : undefined;

  let closing: Promise<void> | undefined;
  const httpApi = http;
  return {
    sftp: { host: sftp.host, port: sftp.port, hostKeyFingerprint: sftp.hostKeyFingerprint, username, rootDir: sftp.rootDir },
    channel: { url: httpApi.url, token, id: channel.id },
    layout,
    day0: () => day0,
    processPending,
    sets: () => [...sets.values()].sort(processingOrder),
    messages: () => channel.messages(),
    close: () => (closing ??= (async () => {
      if (timer) clearInterval(timer);
      await queue.catch(() => undefined);
      await httpApi.close();
      await sftp.close();
    })()),
  };
}

/** Customer batches first (in arrival order), then by date, then in Lead's workflow order. */
function processingOrder(a: WorkflowSet, b: WorkflowSet): number {
  if (a.naming !== b.naming) return a.naming === 'batch' ? -1 : 1;
  if (a.naming === 'batch') return a.files[0]!.receivedAt.localeCompare(b.files[0]!.receivedAt) || a.key.localeCompare(b.key);
  return a.key.localeCompare(b.key) || WORKFLOW_ORDER.indexOf(a.workflow) - WORKFLOW_ORDER.indexOf(b.workflow);
}

function isDate(text: string): boolean {
  try {
    parseFileDate(text);
    return true;
  } catch {
    return false;
  }
}
