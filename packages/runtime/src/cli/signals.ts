import type { Closeable, Logger } from '@shopfloor/engine';

/** One handler for SIGINT/SIGTERM: the first closes cleanly (flush, drain), a second exits at once. */
export function closeOnSignals(resource: Closeable, logger: Logger): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn('second signal: exiting without waiting', { signal });
      process.exit(130);
    }
    closing = true;
    logger.info('shutting down: stop taking data, drain, flush', { signal });
    resource.close().then(
      () => {
        logger.info('shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error: (error as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
