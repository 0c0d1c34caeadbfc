import type { Logger, LogMeta } from '@shopfloor/engine';

export interface LogEntry {
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly message: string;
  readonly meta: LogMeta;
}

/** A logger that keeps every entry, for tests to assert on. */
export function createCapturingLogger(entries: LogEntry[] = [], bound: LogMeta = {}): Logger & { entries: LogEntry[] } {
  const log = (level: LogEntry['level']) => (message: string, meta?: LogMeta) => {
    entries.push({ level, message, meta: { ...bound, ...meta } });
  };
  return {
    entries,
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: (meta: LogMeta) => createCapturingLogger(entries, { ...bound, ...meta }),
  };
}
