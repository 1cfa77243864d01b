import type { ProgramKind } from '../config/profile-schema.js';
import type { FileTypeId } from '../transform/file-types/registry.js';
import type { ProgramSettings } from '../transform/program-settings.js';

/**
 * Lead's side of a program, as Lead configures it during onboarding and as the sandbox plays it: which
 * files a program of each kind owes (sftp-process.md §4, use-cases-day0.md, file-exchange.md), where it
 * reports authorized users, whether Lead sells its receivables, and how Lead judges the readings its
 * docs leave open. It is the sandbox's own configuration, not the partner's profile: a profile that
 * leaves out a file type Lead requires, or a file breaking a rule, is rejected here as Lead would.
 *
 * The partner's profile still gives the shape of each file (the columns, tokens and folders agreed with
 * Lead at onboarding), since those are agreed by both sides.
 */
export interface LeadProgramSetup {
  /** The file types Lead expects from the program, every day (a batch, for the Customer ones). */
  readonly requires: readonly FileTypeId[];
  readonly authorizedUsers: ProgramSettings['authorizedUsers'];
  /** Lead sells the program's receivables: it posts a Sales Request once a date's Financial files pass. */
  readonly sellsReceivables: boolean;
  /** How Lead judges what its docs leave open, beyond the defaults (a warning never rejects). */
  readonly rules: ProgramSettings['rules'];
}

/** Lead sells the receivables that Transactions rows of type disbursement create (sales.md). */
export const SOLD_FROM: FileTypeId = 'transactions';

const BUSINESS_CUSTOMERS: readonly FileTypeId[] = ['customer', 'customer_relationship'];
const DEPOSIT: readonly FileTypeId[] = ['accounts', 'cards', 'balances', 'transactions', 'non_posted_transactions', 'transactions_update'];
const CREDIT: readonly FileTypeId[] = ['applications', 'accounts', 'cards', 'authorized_users', 'collaterals', 'balances', 'transactions', 'sales_response'];

/**
 * The programs Lead's sandbox knows, by kind. Each of the reference programs has business customers,
 * so Lead wants the Customer Relationship file in every batch (customers.md); a card program sends
 * Cards; a program whose business cards carry many users reports them in the Authorized Users file.
 */
export const LEAD_PROGRAMS: Readonly<Record<ProgramKind, LeadProgramSetup>> = {
  deposit: { requires: [...BUSINESS_CUSTOMERS, ...DEPOSIT], authorizedUsers: 'accounts_column', sellsReceivables: false, rules: {} },
  business: { requires: [...BUSINESS_CUSTOMERS, ...DEPOSIT], authorizedUsers: 'accounts_column', sellsReceivables: false, rules: {} },
  credit: { requires: [...BUSINESS_CUSTOMERS, ...CREDIT], authorizedUsers: 'authorized_users_file', sellsReceivables: true, rules: {} },
  lending: { requires: [...BUSINESS_CUSTOMERS, 'applications', 'accounts', 'balances', 'transactions', 'sales_response'], authorizedUsers: 'accounts_column', sellsReceivables: true, rules: {} },
  mixed: {
    requires: [...BUSINESS_CUSTOMERS, 'applications', 'accounts', 'cards', 'authorized_users', 'collaterals', 'balances', 'transactions', 'non_posted_transactions', 'transactions_update', 'sales_response'],
    authorizedUsers: 'authorized_users_file', sellsReceivables: true, rules: {},
  },
};

export function leadProgramFor(kind: ProgramKind): LeadProgramSetup {
  return LEAD_PROGRAMS[kind];
}
