import { describe, expect, it } from '@jest/globals';
import { growthRatio } from './growth.js';

/** Sums `n` numbers once (linear) or `n` times over (quadratic); the result is returned so the work cannot be optimised away. */
const linear = (n: number): number => {
  let sum = 0;
  for (let i = 0; i < n; i++) sum = (sum + i) % 1_000_003;
  return sum;
};
const quadratic = (n: number): number => {
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sum = (sum + j) % 1_000_003;
  return sum;
};

describe('growthRatio', () => {
  it('tells quadratic work from linear work', () => {
    expect(growthRatio((n) => n, quadratic, 600)).toBeGreaterThan(24);
    expect(growthRatio((n) => n, linear, 400_000)).toBeLessThan(24);
  });

  it('measures a larger input when the one asked for is too quick, instead of failing', () => {
    // 1,000 additions take microseconds: the helper doubles the size until the small input takes 2 ms.
    let largest = 0;
    const ratio = growthRatio((n) => { largest = Math.max(largest, n); return n; }, linear, 1000);
    expect(largest).toBeGreaterThan(8 * 1000);
    expect(ratio).toBeLessThan(24);
  });

  it('refuses an input that stays too quick to measure', () => {
    expect(() => growthRatio((n) => n, () => 0, 10)).toThrow(/too little to measure growth/);
  });
});
