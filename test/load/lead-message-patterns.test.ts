import { describe, expect, it } from 'vitest';
import { classifyLeadMessage } from '../../load/lead-message-patterns.js';
import { fileFailed, fileNotAccepted, filePosted, REJECTION_REASONS, workflowRejected, workflowValidated } from '../../sandbox/lead-messages.js';

/**
 * The sandbox (Lead's side) writes the messages; the pipeline reads them with the shared patterns. These
 * keep the two in step, and show the patterns take Slack's emoji shortcodes as well.
 */
const at = (text: string) => classifyLeadMessage({ ts: '1772798400.000001', text });

describe("classifying Lead's channel messages", () => {
  it('reads every message the sandbox writes', () => {
    expect(at(workflowValidated('2026-03-06', 'financial', ['2026-03-06_balances_V2.csv', '2026-03-06_transactions_V1.csv']))).toMatchObject({
      outcome: 'validated', fileDate: '2026-03-06', workflow: 'financial', files: ['2026-03-06_balances_V2.csv', '2026-03-06_transactions_V1.csv'],
    });
    expect(at(fileFailed('/x/sftp/balances/2026-03-07_balances_V1.csv', [
      { file: 'a', line: 12, column: 'balance', rule: 'required', message: 'is required but empty' },
      { file: 'a', line: 13, column: 'balance', rule: 'required', message: 'is required but empty' },
    ]))).toMatchObject({
      outcome: 'rejected', fileDate: '2026-03-07', workflow: 'financial', fileType: 'balances', file: '2026-03-07_balances_V1.csv',
      reason: 'line 12 column balance: required: is required but empty (and 1 more problem)',
    });
    expect(at(workflowRejected('2026-03-07', 'compliance', REJECTION_REASONS.previousDay('2026-03-06', ['Financial'])))).toMatchObject({
      outcome: 'rejected', fileDate: '2026-03-07', workflow: 'compliance', reason: expect.stringMatching(/^2026-03-06 has not been validated yet/),
    });
    expect(at(fileNotAccepted('2026-03-06_accounts_V2.csv', 'the Compliance files of 2026-03-06 were already processed successfully'))).toMatchObject({
      outcome: 'not_accepted', fileDate: '2026-03-06', workflow: 'compliance', fileType: 'accounts',
    });
    expect(at(filePosted('/x/2026-03-06_sales_request_V1.csv', 'sales_request', '2 sale(s) to answer with a Sales Response'))).toMatchObject({
      outcome: 'posted', fileDate: '2026-03-06', workflow: 'sales', fileType: 'sales_request', file: '2026-03-06_sales_request_V1.csv',
    });
    expect(at(workflowValidated('2026-03-06-01', 'customer', ['2026-03-06-01_customer_V1.csv']))).toMatchObject({ outcome: 'validated', workflow: 'customer', batchId: '2026-03-06-01' });
  });

  it("takes Slack's shortcodes for the emoji, and ignores what is not a file alert", () => {
    expect(at(':white_check_mark: 2026-03-06 Compliance files processed successfully: 2026-03-06_accounts_V1.csv')).toMatchObject({ outcome: 'validated', workflow: 'compliance' });
    expect(at(':x: 2026-03-06_accounts_V1.csv failed validation: line 2 column status: enum')).toMatchObject({ outcome: 'rejected', fileType: 'accounts' });
    expect(at('Good morning! Day 3 of testing starts today.')).toBeUndefined();
    expect(at('✅ deployed the new rules')).toBeUndefined();
  });
});
