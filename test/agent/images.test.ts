import { describe, expect, it } from '@jest/globals';
import { findImageUrls } from '../../src/agent/images.js';


describe('findImageUrls', () => {
  it('finds Markdown and HTML images in order of appearance', () => {
    const text = [
      'The button is broken:',
      '<img width="400" alt="screenshot" src="https://github.com/user-attachments/assets/1111">',
      '![second](https://github.com/user-attachments/assets/2222)',
      "<IMG SRC='https://example.com/3.png'>",
    ].join('\n');
    expect(findImageUrls(text)).toEqual([
      'https://github.com/user-attachments/assets/1111',
      'https://github.com/user-attachments/assets/2222',
      'https://example.com/3.png',
    ]);
  });

  it('reads titles and angle-bracketed URLs', () => {
    expect(findImageUrls('![a](<https://x.test/a.png> "A") ![b](https://x.test/b.png \'B\')')).toEqual(['https://x.test/a.png', 'https://x.test/b.png']);
  });

  it('decodes HTML entities in src', () => {
    expect(findImageUrls('<img src="https://x.test/i.png?a=1&amp;b=2">')).toEqual(['https://x.test/i.png?a=1&b=2']);
  });

  it('removes duplicates', () => {
    expect(findImageUrls('![a](https://x.test/a.png)\n<img src="https://x.test/a.png">')).toEqual(['https://x.test/a.png']);
  });

  it('keeps only web URLs (http and https)', () => {
    expect(findImageUrls('![a](http://x.test/a.png) ![b](data:image/png;base64,AAAA) ![c](/relative.png) ![d](javascript:alert(1)) ![e](https://x.test/e.png)')).toEqual([
      'http://x.test/a.png',
      'https://x.test/e.png',
    ]);
  });

  it('keeps at most five', () => {
    const text = Array.from({ length: 8 }, (_, i) => `![${i}](https://x.test/${i}.png)`).join('\n');
    expect(findImageUrls(text)).toEqual([0, 1, 2, 3, 4].map((i) => `https://x.test/${i}.png`));
  });

  it('ignores images inside code', () => {
    expect(findImageUrls('```md\n![a](https://x.test/a.png)\n```\n`<img src="https://x.test/b.png">`')).toEqual([]);
  });

  it('ignores links that are not images', () => {
    expect(findImageUrls('[docs](https://x.test/a.png)')).toEqual([]);
  });

  it('handles CRLF text', () => {
    expect(findImageUrls('see\r\n![a](https://x.test/a.png)\r\n')).toEqual(['https://x.test/a.png']);
  });

  // review-sec finding 9: openers with no "]" or ">" after them made the search quadratic (bench: "find images in 1 MB").
  it('reads an image after many openers that never close', () => {
    expect(findImageUrls(`${'![a'.repeat(500)}![b](https://x.test/b.png)`)).toEqual(['https://x.test/b.png']);
    expect(findImageUrls(`${'<img '.repeat(500)}src="https://x.test/c.png">`)).toEqual(['https://x.test/c.png']);
    expect(findImageUrls(`${'<img src'.repeat(500)}`)).toEqual([]);
  });

  it('reads src only inside its <img> tag', () => {
    expect(findImageUrls('<img alt="x"> src="https://x.test/no.png" <img alt=y src=https://x.test/yes.png>')).toEqual(['https://x.test/yes.png']);
  });
});
