import { describe, expect, it } from '@jest/globals';
import { OffsetList, RangeList } from '../../src/agent/range-list.js';

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
