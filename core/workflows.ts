/**
 * Lead's workflows, in the order Lead processes them (sftp-process.md §9): the customers a file names
 * exist before it, accounts before their cards and balances, a day's financial files before the sale
 * Lead requests for it. The one list of them; config's `workflows.order` and every file type use it.
 */
export const WORKFLOWS = ['customer', 'compliance', 'financial', 'sales'] as const;
export type Workflow = (typeof WORKFLOWS)[number];
