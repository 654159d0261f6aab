import { describe, expect, it } from '@jest/globals';
import { mergePairs, OffsetList, RangeList, unionOfRanges } from '../../src/agent/range-list.js';

describe('OffsetList', () => {
  it('keeps every value pushed past its first storage, in order, as a stack', () => {
    const list = new OffsetList();
    expect(list.last()).toBe(-1);
    expect(list.first()).toBe(-1);
    expect(list.pop()).toBe(-1);
    for (let i = 0; i < 1000; i++) list.push(i * 3);
    expect(list.length).toBe(1000);
    expect(list.first()).toBe(0);
    expect(list.last()).toBe(2997);
    expect(list.at(500)).toBe(1500);
    expect(list.at(1000)).toBe(0);
    expect(Array.from(list.toArray()).every((v, i) => v === i * 3)).toBe(true);
    expect(list.pop()).toBe(2997);
    expect(list.last()).toBe(2994);
    expect(list.length).toBe(999);
    list.clear();
    expect(list.length).toBe(0);
    list.push(-7);
    expect(Array.from(list.toArray())).toEqual([-7]);
  });
});

describe('RangeList.pushOrExtend', () => {
  it('extends the last range when the next starts inside it, and appends one that starts at or after its end', () => {
    const list = new RangeList();
    list.pushOrExtend(2, 10);
    list.pushOrExtend(5, 8);
    list.pushOrExtend(9, 14);
    list.pushOrExtend(14, 20);
    expect(Array.from(list.toArray())).toEqual([2, 14, 14, 20]);
  });
});

describe('unionOfRanges', () => {
  it('merges two sorted lists, joining ranges that overlap or touch', () => {
    expect([...unionOfRanges([0, 2, 10, 12], [1, 4, 4, 6, 20, 21])]).toEqual([0, 6, 10, 12, 20, 21]);
    expect([...unionOfRanges([5, 9], [0, 3])]).toEqual([0, 3, 5, 9]);
    expect([...unionOfRanges([], [1, 2])]).toEqual([1, 2]);
    expect([...unionOfRanges([1, 8], [2, 3])]).toEqual([1, 8]);
  });
});

describe('mergePairs', () => {
  it('merges two lists of pairs in order of their first numbers, keeping every pair', () => {
    expect(Array.from(mergePairs([1, 100, 5, 101], [3, 200, 5, 201]))).toEqual([1, 100, 3, 200, 5, 101, 5, 201]);
    expect(mergePairs([1, 2], [])).toEqual([1, 2]);
  });
});
