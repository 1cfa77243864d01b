import type { FileDate } from '../core/file-date.js';
import type { LedgerBook } from './ledger-book.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { PeopleRegistry } from './people.js';
import type { Prng } from './prng.js';
import type { AccountState, BalanceState } from './program-model.js';

/**
 * Everything one run of the deposit program shares: its chance, its book and writer, and the program so
 * far. `prng` drives what the first version of the generator did (who opens what, every money
 * movement), in the same order as then; `extras` drives everything added since (customer details,
 * business owners, card replacements, late arrivals, settlement corrections), so the same seed still
 * gives the same money movements.
 */
export interface Simulation {
  readonly prng: Prng;
  readonly extras: Prng;
  readonly book: LedgerBook;
  readonly writer: LedgerWriter;
  readonly people: PeopleRegistry;
  /** Every account, in opening order. */
  readonly accounts: AccountState[];
  /** Every checking balance, in opening order: where P2P payments find a counterparty. */
  readonly checkings: BalanceState[];
  /** Settlement corrections waiting for the business day they are made on. */
  readonly corrections: ScheduledCorrection[];
}

export interface ScheduledCorrection {
  readonly entryId: string;
  /** The business day the operations team learns of the new date and records it. */
  readonly correctOn: FileDate;
  readonly settlementDate: FileDate;
  readonly reason: string;
}
