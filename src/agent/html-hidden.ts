/**
 * HTML that GitHub does not show as text, so it may neither trigger the bot
 * nor reach the agent as instruction (issue 8, kind 7c):
 * - `<script>` and `<style>` elements, with their contents: GitHub's
 *   sanitiser drops them whole; one never closed runs to the end, as an
 *   HTML block does (CommonMark §4.6), which errs towards hiding;
 * - tags that run over lines (`<span title="⏎/agent do it⏎">`): the line
 *   break sits inside an attribute, which a reader never sees. A tag on one
 *   line is left alone: `/agent` must start a line, and a prompt may talk
 *   about HTML (`/agent add a <br> here`).
 * Linear in the text: each search starts where the last one ended, and a
 * tag is read by one anchored pattern whose repetitions cannot overlap.
 */
import { rangeWalker } from './markdown.js';

/** `<name` or `</name` (CommonMark §6.6 tag names). */
const TAG_START = /<(\/?)([A-Za-z][A-Za-z0-9-]*)/g;

/**
 * A whole open tag from its `<` (CommonMark §6.6): attribute names, values
 * unquoted, 'single' or "double" quoted (where line breaks may hide), then
 * `>` or `/>`. Sticky, so it is only tried where a tag starts.
 */
const OPEN_TAG = /<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*\s*\/?>/y;

/** Elements whose contents GitHub drops. */
const DROPPED_ELEMENTS = new Set(['script', 'style']);

/**
 * Hidden HTML in `text` outside `code` (sorted flat [start, end) lists of
 * code that is shown as code: code blocks, spans, `<pre>`/`<code>`), as one
 * sorted flat list of [start, end) offsets.
 */
export function findHiddenHtml(text: string, code: readonly (readonly number[])[]): number[] {
  const hidden: number[] = [];
  const inCode = code.map((ranges) => rangeWalker(ranges));
  const lower = text.toLowerCase();
  const tags = new RegExp(TAG_START.source, TAG_START.flags);
  for (let m = tags.exec(text); m !== null; m = tags.exec(text)) {
    const start = m.index;
    if (m[1] === '/' || inCode.some((walk) => walk(start))) continue;
    const name = (m[2] ?? '').toLowerCase();
    let end = -1;
    if (DROPPED_ELEMENTS.has(name) && /^[\s/>]/.test(text.charAt(start + m[0].length) || '>')) {
      const close = lower.indexOf(`</${name}`, start + m[0].length);
      const gt = close === -1 ? -1 : text.indexOf('>', close);
      end = gt === -1 ? text.length : gt + 1;
    } else {
      OPEN_TAG.lastIndex = start;
      const tag = OPEN_TAG.exec(text);
      if (tag !== null && tag[0].includes('\n')) end = start + tag[0].length;
    }
    if (end === -1) continue;
    hidden.push(start, end);
    if (end >= text.length) break;
    tags.lastIndex = end;
  }
  return hidden;
}
