import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';

/**
 * An independent check, for tests, of the rules Lead documents across the files of a program (the
 * notes in ../shared/lead-spec/), written without any of lead-etl's own code: the authorized users
 * reported one way (accounts.md), the Customer and Customer Relationship files as a pair in every batch
 * of a program with business customers, each new business with a control person and each new sole
 * prop with its sole proprietor (customers.md), and each date's Balances file beside its Transactions
 * file (financial-validations.md). Returns one line per breach.
 */
interface Sent {
  readonly key: string;
  readonly token: string;
  readonly version: number;
  readonly rows: Record<string, string>[];
  readonly name: string;
}

const NAME = /^(.+)_([a-z_]+?)_V(\d+)\.csv$/;
const TOKENS = ['customer_relationship', 'non_posted_transactions', 'transactions_update', 'authorized_users', 'sales_response', 'sales_request'];

function read(root: string): Sent[] {
  const files: Sent[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.csv')) {
        const match = NAME.exec(entry);
        if (!match) continue;
        // The longest token the name ends with (non_posted_transactions ends with transactions).
        const stem = entry.replace(/_V\d+\.csv$/, '');
        const token = TOKENS.find((t) => stem.endsWith(`_${t}`)) ?? match[2]!;
        const key = stem.slice(0, stem.length - token.length - 1);
        files.push({ key, token, version: Number(match[3]), name: basename(path), rows: parse(readFileSync(path, 'utf8'), { delimiter: '|', columns: true }) as Record<string, string>[] });
      }
    }
  };
  walk(root);
  // The latest version of each file counts.
  const latest = new Map<string, Sent>();
  for (const file of files) {
    const id = `${file.token}|${file.key}`;
    if ((latest.get(id)?.version ?? 0) < file.version) latest.set(id, file);
  }
  return [...latest.values()].sort((a, b) => a.key.localeCompare(b.key));
}

export function checkDocumentedRules(root: string): string[] {
  const errors: string[] = [];
  const files = read(root);
  const of = (token: string) => files.filter((f) => f.token === token);

  if (of('authorized_users').length > 0) {
    for (const file of of('accounts')) {
      file.rows.forEach((row, i) => {
        if ((row.authorized_users ?? '') !== '' && row.authorized_users !== '[]') errors.push(`${file.name}:${i + 2} fills authorized_users while the program sends the Authorized Users file`);
      });
    }
  }

  const business = of('customer').some((f) => f.rows.some((r) => r.customer_type === 'business' || r.customer_type === 'sole_prop'));
  const seen = new Set<string>();
  for (const file of of('customer')) {
    const relationships = files.find((f) => f.token === 'customer_relationship' && f.key === file.key);
    if (business && !relationships) errors.push(`${file.name}: no Customer Relationship file for batch ${file.key}`);
    for (const row of file.rows) {
      const id = row.client_customer_id!;
      const isNew = !seen.has(id);
      seen.add(id);
      if (!isNew || !relationships || (row.customer_type !== 'business' && row.customer_type !== 'sole_prop')) continue;
      const active = relationships.rows.filter((r) => r.status === 'active' && (r.client_business_id === id || r.client_sole_prop_id === id));
      if (row.customer_type === 'business' && !active.some((r) => r.relationship_type === 'control_person')) errors.push(`${file.name}: business ${id} has no control person in its batch`);
      if (row.customer_type === 'sole_prop' && active.filter((r) => r.relationship_type === 'sole_proprietor').length !== 1) errors.push(`${file.name}: sole prop ${id} has not exactly one sole proprietor in its batch`);
    }
  }

  const dated = (token: string) => new Set(of(token).map((f) => f.key));
  const [balances, transactions] = [dated('balances'), dated('transactions')];
  for (const date of balances) if (!transactions.has(date)) errors.push(`${date}: a Balances file without its Transactions file`);
  for (const date of transactions) if (!balances.has(date)) errors.push(`${date}: a Transactions file without its Balances file`);
  return errors;
}
