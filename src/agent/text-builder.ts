/**
 * A string built from pieces of other strings by copying their UTF-16
 * code units into one buffer, made a string once at the end. Joining an
 * array of many short slices cost more than reading the text they make:
 * footnote-bodies.ts builds a line or two per footnote definition, a
 * hundred thousand pieces for a megabyte, and `Array.prototype.join` took
 * most of the time spent reading those bodies. Code units are copied as they are
 * (lone surrogates too), so the result equals the pieces' concatenation.
 */
export class TextBuilder {
  private codes: Uint16Array;
  private size = 0;

  /** `capacity`: the expected length in code units (the buffer grows past it when needed). */
  constructor(capacity: number) {
    this.codes = new Uint16Array(Math.max(16, capacity));
  }

  /** The code units so far. */
  get length(): number {
    return this.size;
  }

  /** Appends `text[from, to)`. */
  append(text: string, from: number, to: number): void {
    this.reserve(to - from);
    const codes = this.codes;
    let n = this.size;
    for (let k = from; k < to; k++) codes[n++] = text.charCodeAt(k);
    this.size = n;
  }

  /** Appends `count` copies of the code unit `code`. */
  repeat(code: number, count: number): void {
    this.reserve(count);
    this.codes.fill(code, this.size, this.size + count);
    this.size += count;
  }

  /** Drops the code units past the first `length`. */
  truncate(length: number): void {
    this.size = Math.min(this.size, length);
  }

  /** The text built (the builder may go on). */
  toString(): string {
    // `String.fromCharCode` takes its code units as arguments: a few thousand at a time stays within the stack.
    const chunks: string[] = [];
    for (let at = 0; at < this.size; at += CHUNK) chunks.push(String.fromCharCode(...this.codes.subarray(at, Math.min(this.size, at + CHUNK))));
    return chunks.join('');
  }

  private reserve(more: number): void {
    if (this.size + more <= this.codes.length) return;
    const grown = new Uint16Array(Math.max(this.codes.length * 2, this.size + more));
    grown.set(this.codes.subarray(0, this.size));
    this.codes = grown;
  }
}

const CHUNK = 8192;
