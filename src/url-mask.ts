/**
 * The one place that masks URLs before the bot echoes them (an error, a log
 * line, a comment, an output). Userinfo (`user:password@`), the query string
 * (signed asset URLs carry tokens there, e.g. `?jwt=…`, `?token=…`) and a
 * fragment that carries values (`#access_token=…`) become `***`. It works on
 * text, not on parsed URLs, so a URL that failed to parse
 * (`htps://admin:pw@host`, the very case an error message shows) is masked
 * too, and so is a password holding `/`, `?`, `#` or `@`, which a parser
 * would read as the start of a path, query or fragment.
 */

/**
 * Scheme then `/` or `\` (WHATWG parsing reads `https:/\h` as `https://h`),
 * or a scheme-relative `//` (or `\\`) not preceded by a word, `:` or slash
 * character, then the rest of the URL. A scheme is read only from the start
 * of its run of scheme characters (the look-behind), so a long run such as
 * `a.a.a.…` is read once, not once per letter: linear.
 *
 * The URL ends at `'`, `)` or `]` so that prose around it (`(see https://x)`)
 * stays prose, but userinfo may hold them (RFC 3986 §3.2.1 allows `'()`,
 * and a password that failed to parse may hold `]`): an authority up to an
 * `@` before any `/`, `?`, `#` or space is read whole first (review-sec
 * finding 11). That look-ahead stops at the next `/`, which the next URL's
 * `//` starts with, so each part of the text is read a bounded number of times.
 */
const URL_IN_TEXT = /(?:(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:(?=[/\\])|(?<![\w:/\\])(?=[/\\]{2}))[/\\]+(?:[^\s<>"`/?#@]*@)?[^\s<>"'`)\]]+/gi;

/**
 * A run of text without spaces that holds a `:` before an `@`: it may carry
 * `user:password@`, whatever surrounds it (`"https://u:p"w@h"`,
 * `admin:pw@host`, a scheme with one slash). `maskUrlsIn` masks it as a URL
 * before it looks for URLs, so a password survives neither a character
 * that ends a URL in prose nor a missing scheme. An email-like
 * `mailto:me@host` is masked too: over-masking an error message costs nothing.
 */
function looksLikeUserinfo(word: string): boolean {
  const colon = word.indexOf(':');
  return colon !== -1 && word.lastIndexOf('@') > colon;
}

/** Masks a word as a URL, keeping the punctuation before it (`("https://…`), which no URL starts with (a `:` or `@` stays in the masked part). */
function maskWord(word: string): string {
  const lead = /^[^\w/\\:@]*/.exec(word)?.[0] ?? '';
  return `${lead}${maskUrl(word.slice(lead.length))}`;
}

/**
 * `name=value` where the name says the value is a credential
 * (`token=`, `access_token=`, `api_key=`, `password=`, `X-Amz-Signature=`…),
 * in free text or a query: the value becomes `***`. A name is read only from
 * the start of its run of name characters (the look-behind), so the search
 * is linear however long the run.
 */
const PARAMETER = /(?<![\w.-])([\w.-]+)=([^\s&#"'<>,;)]+)/g;
const SECRET_NAME = /token|secret|passw(?:or)?d|pwd|api[_-]?key|signature|jwt|credential|auth/i;

/**
 * Where the authority starts in a string the WHATWG parser finds no
 * userinfo in: after leading spaces or control
 * characters, a scheme and its `:`, then a run of `/` or `\` (WHATWG URL
 * parsing reads `https:/\h`, `https:\\h` and `https:///h` as
 * `https://h`, and drops tabs and newlines anywhere), or after such a run
 * alone (`//h`). Without a slash there is no scheme to keep: `admin:pw@host`
 * is all authority. Anchored and without nested repetition: linear.
 */
// eslint-disable-next-line no-control-regex -- the WHATWG parser skips leading C0 controls, so the mask must too
const AUTHORITY_START = /^[\x00-\x20]*(?:[a-z][a-z0-9+.\t\n\r-]*:[\t\n\r]*)?[/\\][/\\\t\n\r]*/i;

/**
 * Masks one URL-like string: `htps://admin:pw@host/p?token=x#f` →
 * `htps://***@host/p?***#f`. Text without `//` is masked the same way
 * (userinfo, any query), since a value that failed to parse may have lost
 * its scheme.
 *
 * Userinfo ends at the last `@` before the first `/`, `?` or `#`; and when
 * what comes before that delimiter holds a `:` (a password, or a port), at
 * the last `@` in the whole string: `https://admin:pa/ss@host` → `https://***@host`.
 * When the string does not parse at all, any `:` before the last `@` counts
 * the same way. The second rule also masks `https://host:8443/users/@me` to
 * `https://***@me`: a misread host is better than an echoed password.
 *
 * Where the authority starts is the WHATWG URL parser's answer whenever it
 * finds userinfo (what `fetch` would send): its input has tabs and newlines
 * removed and its ends trimmed, and the authority follows the scheme and any
 * run of `/` or `\` (`https:/\u:pw@h`, `https:u:pw@h`). The masked part
 * then always covers the parser's userinfo, since the parser's authority ends
 * at a `\` as well as at `/`, `?` or `#`.
 */
export function maskUrl(raw: string): string {
  const parsed = parseUrl(raw);
  if (parsed && (parsed.username || parsed.password)) {
    // eslint-disable-next-line no-control-regex -- the parser's own first step: strip tabs and newlines, trim C0 controls and spaces
    const cleaned = raw.replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
    const scheme = parsed.protocol.length;
    const slashes = /^[/\\]*/.exec(cleaned.slice(scheme))?.[0].length ?? 0;
    return maskFrom(cleaned, scheme + slashes, true);
  }
  return maskFrom(raw, AUTHORITY_START.exec(raw)?.[0].length ?? 0, parsed !== undefined);
}

/** Masks `raw` read as a URL whose authority starts at `authorityStart`; `parses`: whether the WHATWG parser accepts it. */
function maskFrom(raw: string, authorityStart: number, parses: boolean): string {
  const rest = raw.slice(authorityStart);
  const delimiter = rest.search(/[/?#]/);
  const head = delimiter === -1 ? rest : rest.slice(0, delimiter);
  const lastAt = rest.lastIndexOf('@');
  // A string no parser accepts has no authority to bound the userinfo: any `:` before the last `@` may be a password's.
  const passwordBeyondHead = delimiter !== -1 && (head.includes(':') || (!parses && rest.slice(0, Math.max(lastAt, 0)).includes(':')));
  const at = passwordBeyondHead ? lastAt : head.lastIndexOf('@');
  const afterUserinfo = at === -1 ? rest : rest.slice(at + 1);
  const end = afterUserinfo.search(/[/?#]/);
  const host = end === -1 ? afterUserinfo : afterUserinfo.slice(0, end);
  const path = end === -1 ? '' : afterUserinfo.slice(end);
  return `${raw.slice(0, authorityStart)}${at === -1 ? '' : '***@'}${host}${maskQueryAndFragment(path)}`;
}

function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/**
 * `?…` becomes `?***`; a fragment becomes `#***` when it carries values
 * (`=` or `&`, as OAuth's `#access_token=…&…` does) and stays when it is a
 * plain anchor (`#issuecomment-1`), which helps a reader and holds no secret.
 */
function maskQueryAndFragment(path: string): string {
  const hash = path.indexOf('#');
  const beforeHash = hash === -1 ? path : path.slice(0, hash);
  const fragment = hash === -1 ? '' : path.slice(hash + 1);
  const q = beforeHash.indexOf('?');
  const masked = q === -1 ? beforeHash : `${beforeHash.slice(0, q)}?***`;
  if (hash === -1) return masked;
  return `${masked}#${/[=&]/.test(fragment) ? '***' : fragment}`;
}

/**
 * Masks every URL found in free text (error messages, notes): `scheme://…`
 * (or `scheme:/\…`) and scheme-relative `//…`, after every word holding a
 * `:` before an `@` (userinfo however it is written), then any
 * credential-named `name=value` left outside a URL (`… failed: token=abc`).
 * A URL in free text ends at a space: `https://u:pa ss@h` reads as two words,
 * and only the second is masked.
 */
export function maskUrlsIn(text: string): string {
  return text
    .replace(/\S+/g, (word) => (looksLikeUserinfo(word) ? maskWord(word) : word))
    .replace(URL_IN_TEXT, (url) => maskUrl(url))
    .replace(PARAMETER, (match, name: string) => (SECRET_NAME.test(name) ? `${name}=***` : match));
}
