/**
 * The generator's only source of chance: sfc32 seeded through splitmix32. Small, fast, and the same
 * sequence on every platform, so one seed always gives the same ledger. (Math.random cannot be seeded.)
 */
export interface Prng {
  /** A float in [0, 1). For choosing, never for money. */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An index into `weights`, each chosen in proportion to its weight. */
  weighted(weights: readonly number[]): number;
}

/**
 * `stream` picks one of several independent sequences for the same seed, so a part of the generator
 * added later draws from its own stream and leaves every draw of the existing parts as it was. Stream 0
 * is the original sequence.
 */
export function createPrng(seed: number, stream = 0): Prng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  if (!Number.isInteger(stream) || stream < 0 || stream > 0xffff) throw new RangeError(`stream must be 0 to 65535, got ${stream}`);
  const low = seed >>> 0;
  const high = Math.floor(seed / 2 ** 32) >>> 0;
  const mix = splitmix32(low ^ Math.imul(high, 0x85ebca6b) ^ Math.imul(stream, 0x27d4eb2f));
  const next = sfc32(mix(), mix(), mix(), mix());
  // sfc32's first outputs still echo the seed; running it a little mixes the state fully.
  for (let i = 0; i < 16; i += 1) next();

  const prng: Prng = {
    next,
    int(min, max) {
      if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) throw new RangeError(`bad range [${min}, ${max}]`);
      return min + Math.floor(next() * (max - min + 1));
    },
    chance: (probability) => next() < probability,
    pick(items) {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted(weights) {
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      let target = next() * total;
      for (let i = 0; i < weights.length; i += 1) {
        target -= weights[i]!;
        if (target < 0) return i;
      }
      return weights.length - 1;
    },
  };
  return prng;
}

function splitmix32(state: number): () => number {
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}
