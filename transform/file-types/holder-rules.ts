import { idsIn, rule } from '../validation/rule-kit.js';
import type { Breach, CrossRecordRule, Fact, FactLookup, RowView } from '../validation/rule-types.js';

/**
 * Who may hold, sign for and use an account or an application (api-rules.md; accounts.md and
 * applications.md, "Entity Role Mismatch"): rules of the Accounts and Applications files alike, read
 * against the customers the set sent (their type and intended roles).
 */
export const HOLDER_TYPE_MISMATCH = rule('cross.holder_type_mismatch', 'doc',
  '`account_holder_type` agrees with the holders: individuals give consumer; businesses and sole props give commercial.', 'api-rules.md');
export const MIXED_HOLDER_KINDS = rule('cross.mixed_holder_kinds', 'doc',
  'Holders do not mix individuals with businesses or sole props.', 'api-rules.md');
export const SIGNER_ROLE = rule('cross.signer_role', 'doc',
  'An authorized signer is an individual customer who may hold the authorized_signer role.', 'api-rules.md; customers.md');
export const HOLDER_ROLE = rule('cross.holder_role', 'doc',
  'A holder whose customer lists intended roles lists account_holder among them.', 'accounts.md; applications.md (Entity Role Mismatch); customers.md');
export const USER_ROLE = rule('cross.user_role', 'doc',
  'An authorized user is an individual customer whose intended roles, when listed, include authorized_user.', 'accounts.md (Entity Role Mismatch); authorized-users.md; customers.md');

/** Lead's own entity ids name customers only Lead knows: nothing to check them against. */
const isLeadEntity = (id: string) => id.startsWith('entity_');
const customerIds = (row: RowView, column: string) => idsIn(row.get(column)).filter((id) => !isLeadEntity(id));
const rolesOf = (fact: Fact) => idsIn(fact.values.inteded_roles ?? '');
const needsCustomers = (...columns: string[]) => (row: RowView) => columns.flatMap((c) => customerIds(row, c)).map((id) => ({ kind: 'customer' as const, id }));

/** The customers named in `column`, with what the set knows of each; undefined when one is not known. */
function customersOf(row: RowView, column: string, facts: FactLookup): { id: string; fact: Fact }[] | undefined {
  const found: { id: string; fact: Fact }[] = [];
  for (const id of customerIds(row, column)) {
    const fact = facts.get('customer', id);
    if (!fact?.complete) return undefined;
    found.push({ id, fact });
  }
  return found;
}

const holderKind = (type: string | undefined) => (type === 'individual' ? 'individual' : type === 'business' || type === 'sole_prop' ? 'business' : undefined);

export const holderTypeRules: readonly CrossRecordRule[] = [
  {
    ...MIXED_HOLDER_KINDS,
    reads: ['account_holders'],
    needs: needsCustomers('account_holders'),
    check(row, facts) {
      const holders = customersOf(row, 'account_holders', facts);
      if (!holders) return 'unchecked';
      const kinds = new Set(holders.map((h) => holderKind(h.fact.values.customer_type)).filter(Boolean));
      return kinds.size > 1
        ? [{ column: 'account_holders', message: 'holders mix individuals with businesses or sole props; individuals of a commercial account belong among the authorized signers' }]
        : [];
    },
  },
  {
    ...HOLDER_TYPE_MISMATCH,
    reads: ['account_holder_type', 'account_holders'],
    needs: needsCustomers('account_holders'),
    check(row, facts) {
      const holders = customersOf(row, 'account_holders', facts);
      if (!holders) return 'unchecked';
      const kinds = new Set(holders.map((h) => holderKind(h.fact.values.customer_type)).filter(Boolean));
      // Mixed holders are the other rule's finding.
      if (kinds.size !== 1) return [];
      const derived = kinds.has('individual') ? 'consumer' : 'commercial';
      return derived === row.get('account_holder_type') ? [] : [{
        column: 'account_holder_type',
        message: `account_holder_type is ${row.get('account_holder_type')} but the holders are ${kinds.has('individual') ? 'individuals' : 'businesses or sole props'}, which makes it ${derived}`,
      }];
    },
  },
  {
    ...HOLDER_ROLE,
    reads: ['account_holders'],
    needs: needsCustomers('account_holders'),
    check(row, facts) {
      const holders = customersOf(row, 'account_holders', facts);
      if (!holders) return 'unchecked';
      const wrong = holders.find((h) => rolesOf(h.fact).length > 0 && !rolesOf(h.fact).includes('account_holder'));
      return wrong ? [{ column: 'account_holders', message: `${wrong.id}'s intended roles do not include account_holder` }] : [];
    },
  },
  {
    ...SIGNER_ROLE,
    reads: ['authorized_signers'],
    needs: needsCustomers('authorized_signers'),
    check(row, facts) {
      const signers = customersOf(row, 'authorized_signers', facts);
      if (!signers) return 'unchecked';
      const wrong = signers.find((s) => s.fact.values.customer_type !== 'individual' || (rolesOf(s.fact).length > 0 && !rolesOf(s.fact).includes('authorized_signer')));
      if (!wrong) return [];
      const what = wrong.fact.values.customer_type !== 'individual' ? `a ${wrong.fact.values.customer_type} customer` : 'an individual whose intended roles do not include authorized_signer';
      return [{ column: 'authorized_signers', message: `${wrong.id} is ${what}; a signer is an individual who may sign` }];
    },
  },
];

/** An authorized user (a column of ids, or the Authorized Users file's entity_id) may be one. */
export function userRoleRule(column: string, list: boolean): CrossRecordRule {
  const ids = (row: RowView) => (list ? customerIds(row, column) : [row.get(column)].filter((id) => id !== '' && !isLeadEntity(id)));
  return {
    ...USER_ROLE,
    reads: [column],
    needs: (row) => ids(row).map((id) => ({ kind: 'customer' as const, id })),
    check(row, facts): readonly Breach[] | 'unchecked' {
      const users = ids(row).map((id) => ({ id, fact: facts.get('customer', id) }));
      if (users.some((u) => !u.fact?.complete)) return 'unchecked';
      const wrong = users.find((u) => u.fact!.values.customer_type !== 'individual' || (rolesOf(u.fact!).length > 0 && !rolesOf(u.fact!).includes('authorized_user')));
      if (!wrong) return [];
      const what = wrong.fact!.values.customer_type !== 'individual' ? `a ${wrong.fact!.values.customer_type} customer` : 'an individual whose intended roles do not include authorized_user';
      return [{ column, message: `${wrong.id} is ${what}; an authorized user is an individual who may use the account` }];
    },
  };
}
