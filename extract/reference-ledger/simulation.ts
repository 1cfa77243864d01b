import type { LedgerBook } from './ledger-book.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { Prng } from './prng.js';
import type { AccountState, BalanceState } from './program-model.js';

/** Everything one generation run shares: its chance, its book and writer, and the program so far. */
export interface Simulation {
  readonly prng: Prng;
  readonly book: LedgerBook;
  readonly writer: LedgerWriter;
  /** Every account, in opening order. */
  readonly accounts: AccountState[];
  /** Every checking balance, in opening order: where P2P payments find a counterparty. */
  readonly checkings: BalanceState[];
}
