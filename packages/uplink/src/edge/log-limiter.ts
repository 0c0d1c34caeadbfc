import type { Logger, LogMeta } from '@shopfloor/engine';

/** Logs a repeating warning once, then at most once per `intervalMs` with how many were suppressed. */
export function rateLimitedWarn(logger: Logger, intervalMs = 60_000): (message: string, meta: LogMeta) => void {
  let lastAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (message, meta) => {
    const now = Date.now();
    if (now - lastAt < intervalMs) {
      suppressed++;
      return;
    }
    logger.warn(message, suppressed > 0 ? { ...meta, suppressedSinceLastLog: suppressed } : meta);
    lastAt = now;
    suppressed = 0;
  };
}
