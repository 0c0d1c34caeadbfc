import mqtt, { type MqttClient } from 'mqtt';
import type { Closeable, Logger } from '@shopfloor/engine';

export interface DemoPublisherOptions {
  readonly url: string;
  readonly machines: number;
  readonly intervalMs: number;
  readonly enterprise: string;
  readonly site: string;
}

interface Machine {
  readonly path: string;
  readonly kind: 'pump' | 'press';
  loadPercent: number;
  temperatureC: number;
  running: boolean;
  partCount: number;
  phase: number;
}

/**
 * A stand-in plant until the simulator lands: a few machines that publish plausible values over
 * MQTT (a JSON batch per machine per interval, QoS 1) through the real broker. Temperature follows
 * load with thermal inertia; current and power follow load; machines stop now and then.
 */
export async function startDemoPublisher(options: DemoPublisherOptions, logger: Logger): Promise<Closeable> {
  const client: MqttClient = await mqtt.connectAsync(options.url, { clientId: `shopfloor-demo-${process.pid}`, clean: true, reconnectPeriod: 1_000 });
  const machines: Machine[] = [];
  for (let index = 0; index < options.machines; index++) {
    const kind = index % 2 === 0 ? 'pump' : 'press';
    const line = `line${Math.floor(index / 2) + 1}`;
    machines.push({ path: `${options.enterprise}/${options.site}/assembly/${line}/cell1/${kind}${index + 1}`, kind, loadPercent: 60, temperatureC: 40, running: true, partCount: 0, phase: index });
  }
  let tick = 0;
  const timer = setInterval(() => {
    tick += 1;
    const now = Date.now();
    for (const machine of machines) {
      step(machine, tick, options.intervalMs / 1000);
      const values = reading(machine);
      client.publish(machine.path, JSON.stringify({ ts: now, values }), { qos: 1 });
    }
  }, options.intervalMs);
  logger.info('demo publisher started', { machines: machines.length, intervalMs: options.intervalMs, broker: options.url });
  return {
    async close() {
      clearInterval(timer);
      await client.endAsync();
    },
  };
}

function step(machine: Machine, tick: number, dtSeconds: number): void {
  if (machine.running && Math.random() < 0.002) machine.running = false;
  else if (!machine.running && Math.random() < 0.05) machine.running = true;
  const targetLoad = machine.running ? 65 + 20 * Math.sin((tick + machine.phase * 17) / 60) : 0;
  machine.loadPercent += (targetLoad - machine.loadPercent) * 0.3;
  const ambientC = 22;
  const steadyC = ambientC + 0.55 * machine.loadPercent;
  machine.temperatureC += (steadyC - machine.temperatureC) * Math.min(1, dtSeconds / 120);
  if (machine.running && machine.kind === 'press' && Math.random() < 0.25 * dtSeconds) machine.partCount += 1;
}

function reading(machine: Machine): Record<string, number | boolean | string> {
  const noise = () => (Math.random() - 0.5) * 0.4;
  const currentA = machine.running ? 4 + 0.22 * machine.loadPercent + noise() : 0;
  const common = {
    state: machine.running ? 'RUNNING' : 'STOPPED',
    running: machine.running,
    'load-percent': round(machine.loadPercent, 1),
    'motor-current-a': round(currentA, 2),
    'power-kw': round((currentA * 400 * Math.sqrt(3) * 0.86) / 1000, 2),
    'temperature-c': round(machine.temperatureC + noise(), 2),
  };
  if (machine.kind === 'pump') {
    const flow = machine.running ? 0.9 * machine.loadPercent + noise() : 0;
    return { ...common, 'flow-m3h': round(flow, 2), 'discharge-pressure-bar': round(machine.running ? 6.5 - 0.0004 * flow * flow + noise() / 4 : 0, 3), 'vibration-rms-mms': round(machine.running ? 1.8 + Math.abs(noise()) : 0.05, 3) };
  }
  return { ...common, 'part-count': machine.partCount, 'hydraulic-pressure-bar': round(machine.running ? 180 + machine.loadPercent * 0.4 + noise() * 5 : 5, 1) };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
