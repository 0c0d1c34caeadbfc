export type LogMeta = Readonly<Record<string, unknown>>;

/** The logging port. Components receive it in their deps; only `runtime` creates pino. */
export interface Logger {
  error(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  debug(message: string, meta?: LogMeta): void;
  child(meta: LogMeta): Logger;
}

export function createSilentLogger(): Logger {
  const silent: Logger = {
    error: () => undefined,
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
    child: () => silent,
  };
  return silent;
}
