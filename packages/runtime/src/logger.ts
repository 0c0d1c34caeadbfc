import { pino, type Logger as Pino } from 'pino';
import type { Logger, LogMeta } from '@shopfloor/engine';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/**
 * The only place that creates pino. Secrets are redacted by key name. JSON lines, except on a
 * terminal, where people read it: one short line per entry.
 */
export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stderr): Logger {
  const output = (destination as { isTTY?: boolean }).isTTY === true ? readableLines(destination) : destination;
  const root = pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['password', 'token', '*.password', '*.token', 'authorization'], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    output,
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

const levelMarks: Record<string, string> = { error: 'ERROR', warn: 'WARN ', info: 'INFO ', debug: 'DEBUG' };

/** Formats pino's JSON lines as `hh:mm:ss LEVEL message key=value …` for a terminal. */
function readableLines(destination: NodeJS.WritableStream): { write(line: string): boolean } {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return destination.write(line);
      }
      const { level, time, msg, ...rest } = entry;
      const clock = typeof time === 'string' ? time.slice(11, 19) : '';
      const fields = Object.entries(rest)
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      return destination.write(`${clock} ${levelMarks[String(level)] ?? String(level)} ${String(msg)}${fields.length > 0 ? `  ${fields}` : ''}\n`);
    },
  };
}
