import type { Closeable, Logger } from '@shopfloor/engine';
import type { Plant } from '@shopfloor/simulator';
import type { IClientOptions, MqttClient } from 'mqtt';
import { closeClient, socketDrained } from '../in-flight.ts';
import { connectMqttClient } from '../mqtt-connection.ts';
import { publishWindowOpen } from '../publish-window.ts';
import { dbirthPayload, nbirthPayload, ndeathPayload } from './births.ts';
import { applyDeviceCommand, asksForRebirth } from './commands.ts';
import { dueTagCount, holdDeviceData, replayHeldData, sendDeviceData } from './device-data.ts';
import type { EdgeContext, EdgeNodeCounts } from './edge-context.ts';
import { resolveEdgeNodeOptions, type SparkplugEdgeNodeOptions } from './edge-node-options.ts';
import { HeldData } from './held-data.ts';
import { HostStateTracker, parseHostState } from './host-state.ts';
import { buildMetricTable, sentQuality, type DeviceEntry } from './metric-table.ts';
import { decodePayload, encodePayload, type PayloadMessage } from './payload-codec.ts';
import { deviceTopic, nodeTopic, stateTopic } from './topics.ts';

/** offline: no MQTT session; waiting-for-host: connected, the primary host is not online; online: NBIRTH sent. */
export type EdgeNodePhase = 'offline' | 'waiting-for-host' | 'online';

export interface SparkplugEdgeNodeCounters {
  /** Every Sparkplug message published: births, data, deaths. */
  readonly messagesSent: number;
  /** Device metric values in DBIRTH and DDATA, historical ones included (nulls not): what a host stores. */
  readonly metricsSent: number;
  readonly historicalSent: number;
  /** Metrics sent as `is_null` (a bad tag); a host repeats its last value with quality bad. */
  readonly nullsSent: number;
  /** Values held now, waiting for a session. */
  readonly held: number;
  /** Values ever held. */
  readonly heldTotal: number;
  /** Held values lost: the buffer was full, or their device was dead at the rebirth. */
  readonly dropped: number;
  /** Due tag samples not published because the socket was backed up; they go out at a later tick. */
  readonly coalesced: number;
  /** Values left out because they did not fit the metric's datatype. */
  readonly valuesSkipped: number;
  /** NBIRTHs published (first births and rebirths). */
  readonly births: number;
  /** `Node Control/Rebirth` commands answered. */
  readonly rebirthRequests: number;
  readonly deviceBirths: number;
  readonly deviceDeaths: number;
  /** DCMD setpoint writes applied to the plant. */
  readonly commandsApplied: number;
}

export interface SparkplugEdgeNode extends Closeable {
  /** Publishes what is due at `simTimeMs` (simulated epoch ms, the metrics' timestamps); the clock calls it every tick. */
  publishDue(simTimeMs: number): void;
  readonly phase: EdgeNodePhase;
  /** bdSeq of the current (or last) MQTT session: its NBIRTH and its Will carry it. */
  readonly bdSeq: number;
  counters(): SparkplugEdgeNodeCounters;
  /** How many values of the tag (index into `plant.tags`) were sent, counted like `metricsSent`. */
  metricsSentFor(index: number): number;
  /** Resolves when the socket has taken everything published so far. */
  flush(): Promise<void>;
}

export interface SparkplugEdgeNodeDeps {
  readonly logger: Logger;
}

/**
 * A Sparkplug B 3.0 edge node for a plant, one device per machine (docs/simulator-mqtt.md). The
 * MQTT Will is an NDEATH with the session's bdSeq, and each CONNECT takes the next bdSeq. With a
 * primary host configured, births wait for its STATE online; its STATE offline (not older than the
 * newest seen) ends the session with an NDEATH and a reconnect, and the data of the pause is held
 * and replayed as historical metrics after the next births; the same happens when the connection drops.
 */
export async function startSparkplugEdgeNode(plant: Plant, options: SparkplugEdgeNodeOptions, deps: SparkplugEdgeNodeDeps): Promise<SparkplugEdgeNode> {
  const settings = resolveEdgeNodeOptions(options);
  const { groupId, edgeNodeId, primaryHostId } = settings;
  const logger = deps.logger.child({ sparkplugEdgeNode: `${groupId}/${edgeNodeId}` });
  const table = buildMetricTable(plant, groupId, edgeNodeId, settings.floatDataType);
  const topics = {
    nbirth: nodeTopic(groupId, 'NBIRTH', edgeNodeId),
    ndeath: nodeTopic(groupId, 'NDEATH', edgeNodeId),
    ncmd: nodeTopic(groupId, 'NCMD', edgeNodeId),
    dcmdPrefix: deviceTopic(groupId, 'DCMD', edgeNodeId, ''),
    state: primaryHostId === undefined ? undefined : stateTopic(primaryHostId),
  };
  const counts: EdgeNodeCounts = {
    messagesSent: 0,
    metricsSent: 0,
    historicalSent: 0,
    nullsSent: 0,
    valuesSkipped: 0,
    coalesced: 0,
    births: 0,
    rebirthRequests: 0,
    deviceBirths: 0,
    deviceDeaths: 0,
    commandsApplied: 0,
  };
  const held = new HeldData(settings.maxHeldMetrics);
  const host = new HostStateTracker();
  const window = { maxInFlight: Number.POSITIVE_INFINITY, maxBufferedBytes: settings.maxBufferedBytes };
  let phase: EdgeNodePhase = 'offline';
  let sessionBdSeq = settings.bdSeqStart;
  let willBdSeq = settings.bdSeqStart;
  let seq = 0;
  let closed = false;
  let client: MqttClient | undefined;

  const will = (bdSeq: number): NonNullable<IClientOptions['will']> => ({
    topic: topics.ndeath,
    payload: encodePayload(ndeathPayload(Math.round(plant.now), bdSeq)),
    qos: 1,
    retain: false,
  });

  const context: EdgeContext = {
    plant,
    table,
    held,
    counts,
    sentByTag: new Uint32Array(plant.tags.length),
    metricsPerMessage: settings.metricsPerMessage,
    publish(topic: string, payload: PayloadMessage) {
      client?.publish(topic, encodePayload(payload), { qos: 0, retain: false });
      counts.messagesSent++;
    },
    nextSeq() {
      seq = (seq + 1) & 0xff;
      return seq;
    },
  };

  function linkUp(device: DeviceEntry): boolean {
    const tags = device.tags;
    if (tags.length === 0 || plant.qualityAt(tags[0] as number) !== 'bad') return true;
    return tags.some((index) => plant.qualityAt(index) !== 'bad');
  }

  function sendDeviceBirth(device: DeviceEntry, ts: number): void {
    const birth = dbirthPayload(plant, table, device, ts, context.nextSeq());
    context.publish(device.birthTopic, birth.payload);
    device.alive = true;
    counts.deviceBirths++;
    counts.metricsSent += birth.values;
    counts.nullsSent += birth.nulls;
    for (const index of device.tags) if (table.lastQualities[index] !== sentQuality.bad) context.sentByTag[index] = (context.sentByTag[index] as number) + 1;
  }

  function sendDeviceDeath(device: DeviceEntry, ts: number): void {
    context.publish(device.deathTopic, { timestamp: ts, seq: context.nextSeq() });
    device.alive = false;
    counts.deviceDeaths++;
    logger.info('device link dropped: DDEATH', { device: device.id });
  }

  /** NBIRTH (seq 0, this session's bdSeq), a DBIRTH per device whose link is up, then the held data as historical DDATA. */
  function birth(reason: string): void {
    const ts = Math.round(plant.now);
    seq = 0;
    context.publish(topics.nbirth, nbirthPayload(ts, sessionBdSeq, plant, table.devices.length));
    counts.births++;
    phase = 'online';
    let dead = 0;
    for (const device of table.devices) {
      if (linkUp(device)) sendDeviceBirth(device, ts);
      else {
        device.alive = false;
        dead++;
      }
    }
    const replayed = replayHeldData(context, ts);
    logger.info('births published', { reason, bdSeq: sessionBdSeq, devices: table.devices.length - dead, deadDevices: dead, historicalReplayed: replayed });
  }

  function endSession(): void {
    phase = 'offline';
    for (const device of table.devices) device.alive = false;
  }

  /** Spec 3.0: on an offline STATE of its primary host the edge node publishes NDEATH, disconnects and connects again. */
  function leaveForOfflineHost(active: MqttClient): void {
    logger.warn('primary host offline: NDEATH, disconnect and reconnect; data is held until the host is back', { primaryHostId });
    active.publish(topics.ndeath, encodePayload(ndeathPayload(Math.round(plant.now), sessionBdSeq)), { qos: 1, retain: false });
    counts.messagesSent++;
    endSession();
    active.end(false, () => {
      if (!closed) active.reconnect();
    });
  }

  function onMessage(active: MqttClient, topic: string, payload: Buffer): void {
    if (topic === topics.state) {
      const parsed = parseHostState(payload);
      const state = parsed === undefined ? undefined : host.accept(parsed);
      if (state === undefined) return;
      if (state.online && phase === 'waiting-for-host') birth('primary host online');
      else if (!state.online && phase === 'online') leaveForOfflineHost(active);
      return;
    }
    const decoded = decodePayload(payload);
    if (decoded === undefined) {
      logger.warn('command is not a Sparkplug B payload; ignored', { topic });
      return;
    }
    if (topic === topics.ncmd) {
      if (!asksForRebirth(decoded) || phase !== 'online') return;
      counts.rebirthRequests++;
      birth('rebirth requested');
    } else if (topic.startsWith(topics.dcmdPrefix)) {
      const device = table.deviceById.get(topic.slice(topics.dcmdPrefix.length));
      if (device !== undefined) counts.commandsApplied += applyDeviceCommand(plant, table, device, decoded, logger);
    }
  }

  function prepare(active: MqttClient): void {
    client = active;
    // Each CONNECT uses the Will in the options; the next one must carry the next bdSeq.
    active.on('packetsend', (packet) => {
      if (packet.cmd !== 'connect') return;
      sessionBdSeq = willBdSeq;
      willBdSeq = (willBdSeq + 1) & 0xff;
      active.options.will = will(willBdSeq);
    });
    active.on('connect', () => {
      phase = 'waiting-for-host';
      host.reset();
      const subscriptions = [topics.ncmd, `${topics.dcmdPrefix}+`, ...(topics.state === undefined ? [] : [topics.state])];
      active.subscribe(subscriptions, { qos: 1 }, (error) => {
        if (error !== null && error !== undefined) logger.warn('subscribing to commands failed', { error: error.message });
        else if (topics.state === undefined && phase === 'waiting-for-host') birth('connected');
      });
      logger.info('connected', { bdSeq: sessionBdSeq, waitingFor: primaryHostId ?? 'nothing' });
    });
    active.on('close', () => {
      if (phase !== 'offline' && !closed) logger.warn('connection lost; data is held until the next session', { bdSeq: sessionBdSeq });
      endSession();
    });
    active.on('message', (topic, payload) => onMessage(active, topic, payload));
  }

  await connectMqttClient({ ...settings, will: will(willBdSeq), prepare }, logger);
  const active = client as unknown as MqttClient;

  return {
    publishDue(simTimeMs) {
      if (closed) return;
      const ts = Math.round(simTimeMs);
      const online = phase === 'online';
      for (const device of table.devices) {
        const up = linkUp(device);
        if (!online) {
          if (up) holdDeviceData(context, device, simTimeMs, ts);
          continue;
        }
        if (device.alive && !up) sendDeviceDeath(device, ts);
        else if (!device.alive && up) sendDeviceBirth(device, ts);
        if (!device.alive || !up) continue;
        if (!publishWindowOpen(active, 0, window)) {
          counts.coalesced += dueTagCount(device, simTimeMs);
          continue;
        }
        sendDeviceData(context, device, simTimeMs, ts);
      }
    },
    get phase() {
      return phase;
    },
    get bdSeq() {
      return sessionBdSeq;
    },
    counters: () => ({ ...counts, held: held.size, heldTotal: held.heldTotal, dropped: held.dropped }),
    metricsSentFor: (index) => context.sentByTag[index] ?? 0,
    flush: () => socketDrained(active),
    async close() {
      if (closed) return;
      closed = true;
      let ndeathAcknowledged: Promise<void> = Promise.resolve();
      if (active.connected && phase === 'online') {
        ndeathAcknowledged = new Promise((resolve) => {
          active.publish(topics.ndeath, encodePayload(ndeathPayload(Math.round(plant.now), sessionBdSeq)), { qos: 1, retain: false }, () => resolve());
        });
        counts.messagesSent++;
      }
      endSession();
      await closeClient(active, () => ndeathAcknowledged);
      logger.info('edge node closed', { messagesSent: counts.messagesSent, metricsSent: counts.metricsSent, held: held.size, dropped: held.dropped });
    },
  };
}
