import type { FileDate } from '../core/file-date.js';
import type { LedgerBook } from './ledger-book.js';
import type { ApplicationOutcome, CreditBureau, HolderType } from './ledger-rows.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { PeopleRegistry, RelationshipPlan } from './people.js';
import type { Prng } from './prng.js';
import type { CardState, CreditBalance, DepositBalance, Party, Status } from './program-model.js';

/**
 * The generator's picture of the credit-card program: its products, the plan of each application, and
 * what each card account owes right now, in integer cents split as Lead's Balances file splits it
 * (principal, interest, fees). Like the deposit program, the database only ever receives rows.
 */
export interface CreditProduct {
  readonly key: 'consumer' | 'secured' | 'business';
  /** The product name on the application and the account. */
  readonly name: string;
  readonly cardProduct: string;
  readonly holderType: HolderType;
  readonly secured: boolean;
  readonly bin: string;
  /** Purchase APR in basis points; interest accrues daily on the outstanding principal. */
  readonly aprBasisPoints: bigint;
  /** Charged the day after the account opens; 0 for none. */
  readonly annualFee: bigint;
  /** On purchases at merchants abroad; 0 for none. */
  readonly foreignFeeBasisPoints: bigint;
}

export const CREDIT_PRODUCTS = {
  consumer: {
    key: 'consumer', name: 'Everyday Rewards Card', cardProduct: 'Everyday Rewards Visa', holderType: 'consumer', secured: false,
    bin: '441182', aprBasisPoints: 2499n, annualFee: 0n, foreignFeeBasisPoints: 300n,
  },
  secured: {
    key: 'secured', name: 'Credit Builder Secured Card', cardProduct: 'Credit Builder Visa', holderType: 'consumer', secured: true,
    bin: '441183', aprBasisPoints: 2299n, annualFee: 0n, foreignFeeBasisPoints: 300n,
  },
  business: {
    key: 'business', name: 'Business Card', cardProduct: 'Business Visa', holderType: 'commercial', secured: false,
    bin: '485932', aprBasisPoints: 1999n, annualFee: 9_500n, foreignFeeBasisPoints: 0n,
  },
} as const satisfies Record<string, CreditProduct>;

/** What becomes of an approved account, in days after the day it opens. */
export type CreditFate =
  | { readonly kind: 'ordinary' }
  /** A fraud freeze, lifted again or not within the run. */
  | { readonly kind: 'frozen'; readonly freezeAfter: number; readonly unfreezeAfter: number | undefined }
  /**
   * Paid off on drainAfter (a secured card's deposit comes back too), closed on a later closeAfter:
   * at the customer's request (paid_off), or by the program itself (client_closed, with an adverse
   * action notice).
   */
  | { readonly kind: 'closing'; readonly drainAfter: number; readonly closeAfter: number; readonly reason: 'paid_off' | 'client_closed' };

export interface CreditApplicationPlan {
  /** The day index the application is started on. */
  readonly day: number;
  readonly product: CreditProduct;
  readonly soleProp: boolean;
  readonly coApplicant: boolean;
  /** 0: decided within minutes; otherwise the days a person spends reviewing it. */
  readonly reviewDays: number;
  readonly outcome: ApplicationOutcome;
  readonly report: { readonly score: number; readonly source: CreditBureau } | undefined;
  readonly exceptionApproval: boolean;
  /** Approved only: the line granted and the most line management may raise it to, in cents. */
  readonly creditLimit: bigint;
  readonly maxCreditLimit: bigint;
  readonly decisionReason: string;
  readonly usersAtOpening: number;
  readonly extraOwners: number;
  readonly fate: CreditFate;
  /** Days after opening a line increase or decrease happens. */
  readonly limitChangeAfter: number | undefined;
  readonly userAddedAfter: number | undefined;
  readonly userRemovedAfter: number | undefined;
  /** Days after opening one of a business's other owners sells their stake (their link is deleted). */
  readonly ownerLeavesAfter: number | undefined;
}

export interface CreditPurchaseMemo {
  readonly cents: bigint;
  readonly merchant: string;
  readonly card: CardState;
}

export interface CreditBalanceState extends CreditBalance {
  readonly account: CreditAccountState;
  /** Interest smaller than a cent, carried to the next day as a numerator over INTEREST_DENOMINATOR. */
  interestCarry: bigint;
  readonly purchases: CreditPurchaseMemo[];
}

export interface AuthorizedUser {
  readonly party: Party;
  card: CardState | undefined;
  removed: boolean;
}

export interface CreditAccountState {
  readonly id: string;
  readonly applicationId: string;
  readonly plan: CreditApplicationPlan;
  readonly product: CreditProduct;
  readonly openedDay: number;
  status: Status;
  /** From the payoff until the close: nothing may be charged any more. */
  draining: boolean;
  creditLimit: bigint;
  readonly maxCreditLimit: bigint;
  readonly balance: CreditBalanceState;
  /** A secured card's security deposit, pledged as collateral once it is funded. */
  readonly deposit: (DepositBalance & { collateralId: string | undefined }) | undefined;
  /** A commercial card's control person: the signer, and a cardholder as an authorized user. */
  readonly signer: Party | undefined;
  readonly cards: CardState[];
  /** Authorized users other than the signer. */
  readonly users: AuthorizedUser[];
  /** The holder's beneficial owners other than its control person, while they hold their stake. */
  readonly partners: RelationshipPlan[];
}

/** A payment as it was applied, so a returned payment can undo exactly that. */
export interface AppliedPayment {
  readonly account: CreditAccountState;
  readonly principal: bigint;
  readonly interest: bigint;
  readonly fees: bigint;
}

export interface CreditSimulation {
  readonly prng: Prng;
  readonly book: LedgerBook;
  readonly writer: LedgerWriter;
  readonly people: PeopleRegistry;
  /** Every open or closed card account, in opening order. */
  readonly accounts: CreditAccountState[];
  /** Applications under review, with the day index a person decides them. */
  readonly reviews: { readonly decideOn: number; readonly application: OpenApplication }[];
  /** Payments the customer's bank will return, by the business date they come back. */
  readonly returns: { readonly on: FileDate; readonly payment: AppliedPayment }[];
}

/** An application between its start and its decision: who applied, known once it is started. */
export interface OpenApplication {
  readonly plan: CreditApplicationPlan;
  id: string;
  /** The account holders: the applicant(s), or the business. */
  holders: Party[];
  /** A commercial card's control person: signer, and cardholder as an authorized user. */
  signer: Party | undefined;
  /** A business's beneficial owners other than its control person. */
  partners: RelationshipPlan[];
  /** The account opened from it, once approved and opened. */
  account: CreditAccountState | undefined;
}

/** Payments go to fees first, then interest, then principal; never more than is owed. */
export function allocatePayment(balance: CreditBalance, cents: bigint): { principal: bigint; interest: bigint; fees: bigint } {
  const fees = cents < balance.fees ? cents : balance.fees;
  const afterFees = cents - fees;
  const interest = afterFees < balance.interest ? afterFees : balance.interest;
  const principal = afterFees - interest;
  if (principal > balance.principal) throw new Error(`payment of ${cents} cents is more than ${balance.id} owes`);
  return { principal, interest, fees };
}

export const CARD_INTEREST_DENOMINATOR = 10_000n * 365n;
