/**
 * Re-review 8b (low): images the reader of the request never sees are still
 * downloaded and given to the agent. `findImageUrls` masks only code, so an
 * image inside an HTML comment (hidden on GitHub) or in a quoted line
 * (someone else's words, context at most) becomes a file part of the
 * request, and an image can carry instructions as well as text can. Only
 * the thread's own attachments are fetched (asset-policy.ts), so this
 * needs a writer's own comment or a quote of one.
 */
import { expect, it } from '@jest/globals';
import { findImageUrls } from '../../src/agent/images.js';

const URL = 'https://github.com/user-attachments/assets/0b7c1e6e-hidden';

it.each([
  ['inside an HTML comment', `/agent look at the screenshot\n<!-- ![x](${URL}) -->`],
  ['inside an HTML comment, as <img>', `/agent look\n<!--\n<img src="${URL}">\n-->`],
  ['in a quoted line', `> ![x](${URL})\n\n/agent look`],
])('an image %s is not attached to the request', (_name, text) => {
  expect(findImageUrls(text)).toEqual([]);
});
