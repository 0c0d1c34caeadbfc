/** An edge uplink and a hub receiver wired through a fault proxy, over either transport. */
import { createCapturingLogger, startFaultProxy, type FaultProxy, type LogEntry, type MosquittoServer } from '@shopfloor/testkit';
import {
  createUplink,
  startUplinkReceiver,
  type EdgeStatusMessage,
  type Uplink,
  type UplinkConfig,
  type UplinkReceiver,
  type UplinkReceiverConfig,
} from '../src/index.ts';
import { deleteStream, edgeConfig, hubJetStreamConfig, hubMqttConfig, jetStreamNames, PointSource, RecordingSink, sleep, tempDir, waitFor } from './harness.ts';

export type TransportKind = 'jetstream' | 'mqtt';

export interface RigOptions {
  readonly transport: TransportKind;
  /** Required for mqtt. */
  readonly mosquitto?: MosquittoServer;
  readonly edge?: Partial<UplinkConfig>;
  readonly tags?: number;
  readonly periodMs?: number;
  readonly edgeId?: string;
}

let rigs = 0;

export class Rig {
  readonly sink = new RecordingSink();
  readonly dir = tempDir('sf-uplink');
  readonly edgeLog: LogEntry[] = [];
  readonly hubLog: LogEntry[] = [];
  readonly source: PointSource;
  readonly edgeId: string;
  readonly hubConfig: UplinkReceiverConfig;
  readonly edgeTransport: UplinkConfig['transport'];
  readonly options: RigOptions;
  readonly #stream: string | undefined;
  proxy!: FaultProxy;
  receiver: UplinkReceiver | undefined;
  uplink: Uplink | undefined;
  /** What reached the hub's onStatus and onRecords. */
  readonly statuses: { edgeId: string; status: EdgeStatusMessage }[] = [];
  readonly records: { edgeId: string; kind: 'alarms' | 'events'; records: unknown[] }[] = [];
  /** Keys of points whose appendPoints resolved. */
  readonly attempted: string[] = [];
  duplicatesBeforeRestart = 0;

  private constructor(options: RigOptions, target: number) {
    this.options = options;
    this.source = new PointSource(options.tags ?? 200, options.periodMs ?? 50);
    this.edgeId = options.edgeId ?? `edge-${process.pid}-${rigs++}`;
    const id = `${process.pid}_${Date.now().toString(36)}_${rigs}`;
    if (options.transport === 'jetstream') {
      const names = jetStreamNames();
      this.#stream = names.stream;
      this.hubConfig = hubJetStreamConfig(names);
      this.edgeTransport = { jetstream: { servers: [`nats://127.0.0.1:${target}`], stream: names.stream, subjectPrefix: names.subjectPrefix } };
    } else {
      const url = (options.mosquitto as MosquittoServer).url;
      this.hubConfig = hubMqttConfig(url, `uplinktest/${id}`, `hub-${id}`);
      this.edgeTransport = { mqtt: { url: `mqtt://127.0.0.1:${target}`, topicPrefix: `uplinktest/${id}`, qos: 1 } };
    }
  }

  static async start(options: RigOptions): Promise<Rig> {
    const targetPort = options.transport === 'jetstream' ? 4222 : (options.mosquitto as MosquittoServer).port;
    const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: targetPort } });
    const rig = new Rig(options, proxy.port);
    rig.proxy = proxy;
    await rig.startReceiver();
    await rig.startEdge();
    return rig;
  }

  async startReceiver(): Promise<UplinkReceiver> {
    this.receiver = await startUplinkReceiver(this.hubConfig, {
      sink: this.sink,
      logger: createCapturingLogger(this.hubLog),
      dataDir: this.dir.sub('hub'),
      onStatus: (edgeId, status) => void this.statuses.push({ edgeId, status }),
      onRecords: (edgeId, kind, records) => void this.records.push({ edgeId, kind, records }),
    });
    return this.receiver;
  }

  async restartReceiver(): Promise<void> {
    this.duplicatesBeforeRestart += this.receiver?.stats().duplicatePoints ?? 0;
    await this.receiver?.close();
    this.receiver = undefined;
    await this.startReceiver();
  }

  /** The edge's effective configuration. */
  get config(): UplinkConfig {
    return edgeConfig(this.edgeTransport, this.options.edge);
  }

  async startEdge(overrides: Partial<UplinkConfig> = {}): Promise<Uplink> {
    this.uplink = await createUplink(
      { ...this.config, ...overrides },
      {
        edgeId: this.edgeId,
        dataDir: this.dir.sub('edge'),
        logger: createCapturingLogger(this.edgeLog),
      },
    );
    return this.uplink;
  }

  /** Appends one batch of the source, awaiting durability. */
  async appendBatch(): Promise<void> {
    const batch = this.source.next();
    await (this.uplink as Uplink).appendPoints(batch);
    for (const point of batch) this.attempted.push(`${point.tag}@${point.ts}`);
  }

  /** Steady load for `durationMs`, running `schedule` actions at their times (ms from the start). */
  async load(durationMs: number, schedule: readonly { at: number; action: () => void | Promise<void> }[] = []): Promise<void> {
    const started = Date.now();
    const pending = [...schedule].sort((a, b) => a.at - b.at);
    let next = started;
    while (Date.now() - started < durationMs) {
      await this.appendBatch();
      while (pending.length > 0 && (pending[0] as { at: number }).at <= Date.now() - started)
        await (pending.shift() as { action: () => void | Promise<void> }).action();
      next += this.source.periodMs;
      await sleep(Math.max(0, next - Date.now()));
    }
    for (const rest of pending) await rest.action();
  }

  duplicatesBeforeDedupe(): number {
    return this.duplicatesBeforeRestart + (this.receiver?.stats().duplicatePoints ?? 0);
  }

  /** Waits until every attempted point is stored and the outbox is empty. */
  async drained(timeoutMs = 20_000): Promise<void> {
    await waitFor(
      () => this.attempted.every((key) => this.sink.counts.has(key)) && this.uplink?.stats().backlog.entries === 0,
      timeoutMs,
      () => `all ${this.attempted.length} points stored (have ${this.sink.counts.size}), backlog ${JSON.stringify(this.uplink?.stats().backlog)}`,
    );
  }

  async close(): Promise<void> {
    await this.uplink?.close();
    await this.receiver?.close();
    await this.proxy.close();
    if (this.#stream !== undefined) await deleteStream(this.#stream);
    this.dir.remove();
  }
}
