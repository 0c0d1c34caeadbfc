/**
 * The hub end of the uplink drain benchmark, in its own process so the edge's main loop is measured
 * alone: a receiver with a counting sink; it reports progress to the parent every 20 ms over IPC.
 */
import { createSilentLogger } from '@shopfloor/engine';
import type { Decoded } from '@shopfloor/model';
import { startUplinkReceiver, type UplinkReceiverConfig, type UplinkSink, type UplinkSource } from '@shopfloor/uplink';

export interface HubChildProgress {
  readonly type: 'progress';
  readonly points: number;
  readonly historical: number;
  /** Epoch ms of the first and the latest historical batch. */
  readonly firstHistoricalAt: number | undefined;
  readonly lastHistoricalAt: number | undefined;
  /** Append-to-sink latency (ms) of every live batch since the last report. */
  readonly liveLatencies: number[];
}

const [configText, dataDir] = process.argv.slice(2) as [string, string];
const config = JSON.parse(configText) as UplinkReceiverConfig;
let points = 0;
let historical = 0;
let firstHistoricalAt: number | undefined;
let lastHistoricalAt: number | undefined;
let liveLatencies: number[] = [];

const sink: UplinkSink = {
  submit(decoded: Decoded, acknowledge: (error?: Error) => void, source: UplinkSource): void {
    const now = Date.now();
    points += decoded.accepted.length;
    if (source.historical) {
      historical += decoded.accepted.length;
      firstHistoricalAt ??= now;
      lastHistoricalAt = now;
    } else {
      const first = decoded.accepted[0];
      if (first !== undefined) liveLatencies.push(now - first.ts);
    }
    setImmediate(acknowledge);
  },
};

const receiver = await startUplinkReceiver(config, { sink, logger: createSilentLogger(), dataDir });
const report = (): void => {
  const message: HubChildProgress = { type: 'progress', points, historical, firstHistoricalAt, lastHistoricalAt, liveLatencies };
  liveLatencies = [];
  process.send?.(message);
};
const timer = setInterval(report, 20);
process.on('message', (message: { type: string }) => {
  if (message.type === 'mark') {
    // From here on: historical counts and times start again (the backlog of one outage).
    historical = 0;
    firstHistoricalAt = undefined;
    lastHistoricalAt = undefined;
    return;
  }
  if (message.type !== 'stop') return;
  clearInterval(timer);
  report();
  void receiver.close().then(() => process.exit(0));
});
process.send?.({ type: 'ready' });
