import { describe, expect, it } from 'vitest';
import { createPrng } from '../../reference-program/prng.js';

describe('createPrng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number) => {
      const prng = createPrng(seed);
      return Array.from({ length: 20 }, () => prng.int(0, 1_000_000));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    // Seeds beyond 32 bits still count in full.
    expect(draw(2 ** 32 + 7)).not.toEqual(draw(7));
  });

  it('keeps integers inside their inclusive range and reaches both ends', () => {
    const prng = createPrng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i += 1) seen.add(prng.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('chooses by weight', () => {
    const prng = createPrng(2);
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i += 1) counts[prng.weighted([1, 0, 3])]! += 1;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.5);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.5);
  });

  it('refuses a seed that is not a whole number', () => {
    expect(() => createPrng(1.5)).toThrow(RangeError);
  });
});

describe('createPrng streams', () => {
  it('keeps stream 0 as the original sequence and gives other streams their own', () => {
    const draw = (seed: number, stream?: number) => {
      const prng = createPrng(seed, stream);
      return Array.from({ length: 20 }, () => prng.int(0, 1_000_000));
    };
    expect(draw(7, 0)).toEqual(draw(7));
    expect(draw(7, 1)).toEqual(draw(7, 1));
    expect(draw(7, 1)).not.toEqual(draw(7));
    expect(draw(7, 1)).not.toEqual(draw(7, 2));
    expect(() => createPrng(7, -1)).toThrow(RangeError);
  });
});
