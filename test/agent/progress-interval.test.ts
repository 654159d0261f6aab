import { describe, expect, it } from '@jest/globals';
import { progressInterval } from '../../src/agent/run-types.js';

describe('progressInterval', () => {
  it('grows with the run: base, then twice, then four times', () => {
    const now = Date.now();
    expect(progressInterval(8000, now)()).toBe(8000);
    expect(progressInterval(8000, now - 5 * 60_000)()).toBe(16_000);
    expect(progressInterval(8000, now - 30 * 60_000)()).toBe(32_000);
  });
});
