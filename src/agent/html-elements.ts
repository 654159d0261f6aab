/**
 * Element names whose meaning to the browser decides what GitHub shows, in
 * one place for the readers of raw HTML (html-hidden.ts, inline-bogus.ts,
 * command.ts). Names are lower-case; tag names compare without ASCII case.
 */

/**
 * Elements GFM's tag filter (GFM spec §6.11, on for GitHub) escapes, inline
 * and in HTML blocks, when their name is followed by whitespace, `>` or
 * `/>` (html-blocks.ts `isFilteredTagName`).
 */
export const TAG_FILTER_ELEMENTS: ReadonlySet<string> = new Set(['title', 'textarea', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'script', 'plaintext']);

/**
 * Elements whose content the tokenizer reads as raw text or RCDATA up to
 * their own end tag, nothing inside being a tag or comment (WHATWG HTML
 * §13.2.6.4.7, "in body"; `plaintext` to the end): those the tag filter
 * escapes wherever cmark-gfm reads them as tags, and `noscript`, as the
 * browser reads it with scripting on (GitHub's sanitiser drops it). Hiding
 * `textarea` and `title`, whose text GitHub might keep, errs towards hiding.
 */
export const RAW_TEXT_ELEMENTS: ReadonlySet<string> = new Set([...TAG_FILTER_ELEMENTS, 'noscript']);

/**
 * Elements whose content GitHub does not show, read to their end tag (or to
 * the end of the text) outside code (html-hidden.ts): `script` and `style`,
 * which GitHub's sanitiser drops whole, and `noscript`, the one raw-text
 * element the tag filter lets reach the browser as a tag (`RAW_TEXT_ELEMENTS`).
 */
export const HIDDEN_CONTENT_ELEMENTS: ReadonlySet<string> = new Set(['script', 'style', 'noscript']);

/**
 * Elements whose content the browser parses as usual (tags inside are
 * tags) but which neither starts the agent nor reaches it as instruction,
 * read to their end tag or the end of the text by html-hidden.ts:
 * - `rp`, never rendered (`rp { display: none; }`, WHATWG HTML §15.3.1,
 *   "Hidden elements"), inside a `ruby` or not;
 * - `blockquote`, shown as a quote, like a `> ` one: context, never
 *   instruction (issue 8);
 * - `template`, whose content is inert, never rendered (WHATWG HTML
 *   §4.12.3), and `select`, whose text the browser shows, if at all, as a
 *   control's options, never as a line (§4.10.7).
 * - `video` and `audio`, whose content is fallback for browsers without
 *   media support and is not shown (WHATWG HTML §4.8.9, "Content may be
 *   provided inside the video element. User agents should not show this
 *   content to the user"), and `canvas`, whose content is shown only where
 *   scripting is off (§4.12.5), which it is not on GitHub. Only where an
 *   HTML block opens them (`FALLBACK_CONTENT_ELEMENTS`).
 * GitHub's sanitiser allows `rp` and `blockquote` (github/markup, "HTML
 * sanitization"); were `template`, `select`, the media elements or
 * `canvas` dropped with their text kept, hiding it errs towards no request.
 * `object` is left out: with nothing to load it shows its content.
 */
export const SKIPPED_CONTENT_ELEMENTS: ReadonlySet<string> = new Set(['rp', 'blockquote', 'template', 'select', 'video', 'audio', 'canvas']);

/**
 * The `SKIPPED_CONTENT_ELEMENTS` that hide their content only where an HTML
 * block opens them: opened in a paragraph, heading or cell, the end of that
 * block closes them (`</p>`, `</td>` pop every element but a formatting one
 * above them, WHATWG HTML §13.2.6.4.7), so html-hidden.ts hides their
 * content only up to their end tag or that block's end.
 */
export const FALLBACK_CONTENT_ELEMENTS: ReadonlySet<string> = new Set(['video', 'audio', 'canvas']);

/**
 * Elements that, opened inside a block quote and still open where it ends,
 * make the browser ignore the `</blockquote>` cmark-gfm writes, so all
 * that follows stays quoted (issue 8, re-review 8g). An end tag closes an
 * element only if it is "in scope" (WHATWG HTML §13.2.4.2), and these bound
 * the scope: `applet`, `marquee`, `object`, `table`, `template`, and the
 * MathML and SVG integration points `mi`, `mo`, `mn`, `ms`, `mtext`,
 * `annotation-xml`, `foreignObject`, `desc` (SVG `title` is escaped by the
 * tag filter). `select` too: in its insertion mode (§13.2.6.4.16) every end
 * tag but its own is ignored. The boundaries `html`, `caption`, `td` and
 * `th` are left out: a start tag of theirs in body is ignored, and inside a
 * table the `table` is open already. An integration point outside MathML or
 * SVG bounds nothing; counting it errs towards hiding.
 */
export const QUOTE_KEEPING_ELEMENTS: readonly string[] = ['table', 'object', 'applet', 'marquee', 'template', 'select', 'mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc'];

const QUOTE_KEEPING_INDEX: ReadonlyMap<string, number> = new Map(QUOTE_KEEPING_ELEMENTS.map((name, i) => [name, i]));

/** The first MathML or SVG name in `QUOTE_KEEPING_ELEMENTS`: those after it are too. */
const FIRST_FOREIGN = QUOTE_KEEPING_ELEMENTS.indexOf('mi');

/** Whether the element at `index` in `QUOTE_KEEPING_ELEMENTS` is MathML or SVG, where `/>` closes what it opens. */
export const isForeignElement = (index: number): boolean => index >= FIRST_FOREIGN;

/** The index in `QUOTE_KEEPING_ELEMENTS` of the lower-case tag name `name`, or -1. */
export function quoteKeepingElement(name: string): number {
  return QUOTE_KEEPING_INDEX.get(name) ?? -1;
}
