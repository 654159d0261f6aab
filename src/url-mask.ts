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
 * Scheme then `//`, or a scheme-relative `//` not preceded by a word or `:`
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
const URL_IN_TEXT = /(?:(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:|(?<![\w:/]))\/\/(?:[^\s<>"`/?#@]*@)?[^\s<>"'`)\]]+/gi;

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
 * Masks one URL-like string: `htps://admin:pw@host/p?token=x#f` →
 * `htps://***@host/p?***#f`. Text without `//` is masked the same way
 * (userinfo, any query), since a value that failed to parse may have lost
 * its scheme.
 *
 * Userinfo ends at the last `@` before the first `/`, `?` or `#`; and when
 * what comes before that delimiter holds a `:` (a password, or a port), at
 * the last `@` in the whole string: `https://admin:pa/ss@host` → `https://***@host`.
 * The second rule also masks `https://host:8443/users/@me` to
 * `https://***@me`: a misread host is better than an echoed password.
 */
export function maskUrl(raw: string): string {
  const slashes = raw.indexOf('//');
  const schemeEnd = raw.indexOf('://');
  const authorityStart = schemeEnd !== -1 ? schemeEnd + 3 : slashes === 0 ? 2 : 0;
  const rest = raw.slice(authorityStart);
  const delimiter = rest.search(/[/?#]/);
  const head = delimiter === -1 ? rest : rest.slice(0, delimiter);
  const at = delimiter !== -1 && head.includes(':') ? rest.lastIndexOf('@') : head.lastIndexOf('@');
  const afterUserinfo = at === -1 ? rest : rest.slice(at + 1);
  const end = afterUserinfo.search(/[/?#]/);
  const host = end === -1 ? afterUserinfo : afterUserinfo.slice(0, end);
  const path = end === -1 ? '' : afterUserinfo.slice(end);
  return `${raw.slice(0, authorityStart)}${at === -1 ? '' : '***@'}${host}${maskQueryAndFragment(path)}`;
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
 * and scheme-relative `//…`, then any credential-named `name=value` left
 * outside a URL (`… failed: token=abc`).
 */
export function maskUrlsIn(text: string): string {
  return text
    .replace(URL_IN_TEXT, (url) => maskUrl(url))
    .replace(PARAMETER, (match, name: string) => (SECRET_NAME.test(name) ? `${name}=***` : match));
}
