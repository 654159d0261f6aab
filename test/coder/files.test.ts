import { describe, expect, it } from '@jest/globals';
import { MAX_IMAGE_BYTES, sniffImage } from '../../src/coder/files.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (s: string) => new TextEncoder().encode(s);
const PNG = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);

describe('sniffImage', () => {
  it('recognizes PNG, JPEG, GIF and WebP by their first bytes, whatever the name says', () => {
    expect(sniffImage(PNG)).toBe('image/png');
    expect(sniffImage(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 16))).toBe('image/jpeg');
    expect(sniffImage(text('GIF87a....'))).toBe('image/gif');
    expect(sniffImage(text('GIF89a....'))).toBe('image/gif');
    expect(sniffImage(text('RIFF\u0024\u0000\u0000\u0000WEBPVP8 '))).toBe('image/webp');
  });

  it('rejects other files and truncated signatures, as Coder does with 400 "Unsupported file type."', () => {
    expect(sniffImage(text('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffImage(text('RIFF\u0024\u0000\u0000\u0000WAVEfmt '))).toBeUndefined();
    expect(sniffImage(text('GIF8'))).toBeUndefined();
    expect(sniffImage(PNG.subarray(0, 4))).toBeUndefined();
    expect(sniffImage(new Uint8Array())).toBeUndefined();
    expect(sniffImage(text('%PDF-1.7'))).toBeUndefined();
  });

  it('the size limit is Coder\'s 10 MiB', () => {
    expect(MAX_IMAGE_BYTES).toBe(10_485_760);
  });
});
