import type { DateTime } from 'luxon';
import { isoInstant } from './ledger-day.js';
import type { LedgerBook } from './ledger-book.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { Prng } from './prng.js';
import type { CardState, Party } from './program-model.js';

/**
 * Cards of both programs: issued active (usable at once, so activated when issued), made inactive while
 * their account is frozen and active again after, closed once for good. A lost or stolen card is closed
 * in the instant its replacement is issued, and names it in replaced_by.
 */
export interface CardContext {
  readonly book: LedgerBook;
  readonly writer: LedgerWriter;
}

export interface CardPlan {
  readonly accountId: string;
  readonly holder: Party;
  readonly productName: string;
  readonly cardType: 'consumer' | 'commercial';
  readonly bin: string;
}

/** `prng` draws the last four digits, then whether the card is virtual (a quarter are). */
export function issueCard(ctx: CardContext, prng: Prng, plan: CardPlan, issuedAt: DateTime): CardState {
  const cardId = ctx.book.newId('card');
  const issued = isoInstant(issuedAt);
  ctx.writer.add('cards', {
    card_id: cardId,
    account_id: plan.accountId,
    customer_id: plan.holder.customerId,
    product_name: plan.productName,
    card_type: plan.cardType,
    bin: plan.bin,
    last4: String(prng.int(0, 9999)).padStart(4, '0'),
    is_virtual: prng.chance(0.25),
    issued_at: issued,
    activated_at: issued,
    expires_on: issuedAt.plus({ years: 4 }).endOf('month').toISODate()!,
  });
  ctx.writer.add('card_status_history', { card_id: cardId, changed_at: issued, status: 'active', reason: null, replaced_by: null });
  return { id: cardId, bin: plan.bin, accountId: plan.accountId, holder: plan.holder, productName: plan.productName, cardType: plan.cardType, status: 'active' };
}

export function closeCard(ctx: CardContext, card: CardState, at: DateTime, reason: string, replacedBy?: CardState): void {
  if (card.status === 'closed') return;
  card.status = 'closed';
  ctx.writer.add('card_status_history', {
    card_id: card.id, changed_at: isoInstant(at), status: 'closed', reason, replaced_by: replacedBy?.id ?? null,
  });
}

/** Freezing and unfreezing an account: its open cards follow. */
export function setCardsActive(ctx: CardContext, cards: readonly CardState[], active: boolean, at: DateTime): void {
  const status = active ? 'active' : 'inactive';
  for (const card of cards) {
    if (card.status === 'closed' || card.status === status) continue;
    card.status = status;
    ctx.writer.add('card_status_history', { card_id: card.id, changed_at: isoInstant(at), status, reason: null, replaced_by: null });
  }
}

/** A new card for the same holder takes the old one's place in `cards`; the old one closes naming it. */
export function replaceCard(ctx: CardContext, prng: Prng, cards: CardState[], card: CardState, at: DateTime, reason: string): CardState {
  const index = cards.indexOf(card);
  if (index < 0 || card.status !== 'active') throw new Error(`card ${card.id} is not active and cannot be replaced`);
  const replacement = issueCard(ctx, prng, card, at);
  closeCard(ctx, card, at, reason, replacement);
  card.replacedBy = replacement;
  cards[index] = replacement;
  return replacement;
}
