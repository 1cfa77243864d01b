/**
 * Decimal arithmetic for the roll-forwards lives in the one decimal module, ../money.ts (big.js). These
 * names are re-exported so the validation stages that import them here keep working; new code imports
 * ../money.js.
 */
export { add, equals, formatDecimal, negate, parseDecimal, sign, subtract, ZERO, type Decimal } from '../money.js';
