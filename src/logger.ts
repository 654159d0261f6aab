/**
 * The one logger interface every layer accepts (STYLE.md: one logger
 * interface). Entries adapt it to `@actions/core`, Probot's pino logger or
 * stderr; libraries never log through `console` directly.
 */
export interface Logger {
  debug(msg: string, meta?: object): void;
  info(msg: string, meta?: object): void;
  warn(msg: string, meta?: object): void;
  error(msg: string, meta?: object): void;
}

/** A logger that drops everything: the default when a caller passes none. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
