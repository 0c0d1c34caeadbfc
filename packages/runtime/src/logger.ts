import { pino, type Logger as Pino } from 'pino';
import type { Logger, LogMeta } from '@shopfloor/engine';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** The only place that creates pino. Secrets are redacted by key name. */
export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stderr): Logger {
  const root = pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['password', 'token', '*.password', '*.token', 'authorization'], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return adapt(root);
}

function adapt(instance: Pino): Logger {
  const write = (method: 'error' | 'warn' | 'info' | 'debug') => (message: string, meta?: LogMeta) => {
    if (meta === undefined) instance[method](message);
    else instance[method](meta, message);
  };
  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    child: (meta) => adapt(instance.child(meta)),
  };
}
