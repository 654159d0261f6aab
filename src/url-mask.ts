/**
 * The one place that masks URLs before the bot echoes them (an error, a log
 * line, a comment, an output). Userinfo (`user:password@`) and the query
 * string (signed asset URLs carry tokens there, e.g. `?jwt=…`, `?token=…`)
 * become `***`. It works on text, not on parsed URLs, so a URL that failed to
 * parse (`htps://admin:pw@host`, the very case an error message shows) is
 * masked too.
 */

/** Scheme, then `//`, then an authority that may carry userinfo. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s<>"'`)\]]+/gi;

/**
 * Masks one URL-like string: `htps://admin:pw@host/p?token=x#f` →
 * `htps://***@host/p?***#f`. Text without `://` is masked the same way
 * (userinfo before the first `/`, any query), since a value that failed to
 * parse may have lost its scheme.
 */
export function maskUrl(raw: string): string {
  const schemeEnd = raw.indexOf('://');
  const authorityStart = schemeEnd === -1 ? 0 : schemeEnd + 3;
  const rest = raw.slice(authorityStart);
  // The authority ends at the first `/`, `?` or `#`; userinfo is whatever precedes its last `@`.
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  let path = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
  const at = authority.lastIndexOf('@');
  const host = at === -1 ? authority : `***@${authority.slice(at + 1)}`;
  const q = path.indexOf('?');
  if (q !== -1) {
    const hash = path.indexOf('#', q);
    path = `${path.slice(0, q)}?***${hash === -1 ? '' : path.slice(hash)}`;
  }
  return `${raw.slice(0, authorityStart)}${host}${path}`;
}

/** Masks every `scheme://…` URL found in free text (error messages, notes). */
export function maskUrlsIn(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => maskUrl(url));
}
