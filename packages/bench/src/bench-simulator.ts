/**
 * 7. The simulator (issue 4): tags per second over MQTT per protocol from one process, real time at
 * 1 Hz, the plant's own cost per tag, and vibration blocks per second.
 */
import { createPlant, defaultPlantDescription, multiSitePlant, simulatorDefaults, type Plant } from '@shopfloor/simulator';
import { simulateDefaults } from '@shopfloor/runtime';
import { startMosquitto } from '@shopfloor/testkit';
import type { MqttClient } from 'mqtt';
import { runIndexes, runLabel, type BenchContext } from './context.ts';
import { disturbedMark, disturbedNote } from './ingest-compare.ts';
import { CpuMeter, findChildPid } from './proc-cpu.ts';
import type { BenchResult, Row } from './report.ts';
import { advanceAndRead, sineBlocks, waveformBlocks } from './simulator-core.ts';
import {
  benchPlant,
  benchStartTime,
  connectRawClient,
  protocolName,
  publishFreeRunning,
  publishRaw,
  publishRealTime,
  startSimPublisher,
  type CapturedMessage,
  type Processes,
  type PublishProtocol,
  type PublishRun,
  type RealTimeWindow,
} from './simulator-publish.ts';
import { SinkProcess } from './sink-process.ts';
import { count, fixed, median, times } from './stats.ts';

const goalTagsPerSecond = 100_000;

/** Simulated seconds per free-running run. */
function freeRunningTicks(context: BenchContext): number {
  return context.quick ? 2 : 10;
}

const protocols: readonly PublishProtocol[] = [
  { type: 'json', qos: 0, batching: 'per-machine' },
  { type: 'json', qos: 1, batching: 'per-machine' },
  { type: 'json', qos: 0, batching: 'per-line' },
  { type: 'sparkplug' },
];

/** "12.3 %" of one core. */
function percent(cores: number): string {
  return `${fixed(cores * 100, 1)} %`;
}

function marked(values: readonly number[], others: readonly number[], format: (value: number) => string): string {
  return values.map((value, index) => `${format(value)}${disturbedMark(others[index])}`).join(' / ');
}

interface Section {
  readonly rows: Row[];
  readonly notes: string[];
}

/** (a) Free-running publishing per protocol, against the same messages from a bare mqtt.js loop. */
async function freeRunning(context: BenchContext, plant: Plant, url: string, raw: MqttClient, subscriber: SinkProcess, processes: Processes): Promise<Section> {
  const ticks = freeRunningTicks(context);
  const rows: Row[] = [];
  const notes: string[] = [];
  const otherCores: string[] = [];
  for (const protocol of protocols) {
    const name = protocolName(protocol);
    const publisher = await startSimPublisher(plant, url, protocol);
    const captured: CapturedMessage[][] = [];
    let capturedValues = 0;
    const ours: PublishRun[] = [];
    const reference: PublishRun[] = [];
    const missing: number[] = [];
    let advanceMs = 0;
    try {
      for (const index of runIndexes(context)) {
        // The first run (the warm-up) also records the messages for the raw reference.
        const capture = captured.length === 0 ? captured : undefined;
        const mine = await publishFreeRunning(plant, publisher, ticks, subscriber, processes, capture);
        if (capture !== undefined) capturedValues = mine.values;
        const bare = await publishRaw(raw, captured, protocol.type === 'json' ? protocol.qos : 0, capturedValues, subscriber, processes);
        missing.push(mine.missing, bare.missing);
        context.log(
          `  ${name} ${runLabel(context, index)}: ${count(mine.valuesPerSecond)} tags/s (${count(mine.messages)} messages, ${count(mine.values)} values; µs/tag sim ${fixed(mine.cpuPerValue, 2)}, broker ${fixed(mine.brokerPerValue, 2)}, subscriber ${fixed(mine.subscriberPerValue, 2)}; advance ${fixed(mine.advanceMs, 0)} ms CPU apart; others ${fixed(mine.otherCores, 2)} cores)` +
            ` | bare mqtt.js ${count(bare.valuesPerSecond)} tags/s (µs/tag ${fixed(bare.cpuPerValue, 2)}, broker ${fixed(bare.brokerPerValue, 2)})`,
        );
        if (index === 0) continue;
        ours.push(mine);
        reference.push(bare);
        advanceMs += mine.advanceMs;
      }
    } finally {
      await publisher.close();
    }
    const rate = median(ours.map((run) => run.valuesPerSecond));
    const cpu = median(ours.map((run) => run.cpuPerValue));
    const messagesPerTick = (ours[0]?.messages ?? 0) / ticks;
    rows.push({
      measure: `${name}: ${protocol.type === 'sparkplug' ? 'metrics' : 'tags'}/s, free-running`,
      figure: count(rate),
      goal: `≥ ${count(goalTagsPerSecond)}`,
      met: rate >= goalTagsPerSecond,
      raw: `${count(median(reference.map((run) => run.valuesPerSecond)))} (bare mqtt.js)`,
      ratio: times(median(ours.map((run, index) => run.valuesPerSecond / (reference[index]?.valuesPerSecond ?? Number.NaN)))),
      cpu: `sim ${fixed(cpu * 10, 1)} ms/s per 10k tags/s (${fixed(cpu, 2)} µs/tag; bare mqtt.js ${fixed(median(reference.map((run) => run.cpuPerValue)), 2)}); mosquitto ${fixed(median(ours.map((run) => run.brokerPerValue)), 2)}, subscriber ${fixed(median(ours.map((run) => run.subscriberPerValue)), 2)} µs/tag`,
      runs: marked(
        ours.map((run) => run.valuesPerSecond),
        ours.map((run) => run.otherCores),
        count,
      ),
    });
    const perTickValues = (ours[0]?.values ?? 0) / ticks;
    notes.push(
      `${name}: ${count(messagesPerTick)} messages per simulated second (${count(perTickValues / Math.max(1, messagesPerTick))} values each${protocol.type === 'sparkplug' ? `; changed metrics only: ${fixed((100 * perTickValues) / plant.tags.length, 0)} % of the ${count(plant.tags.length)} tags due` : ''}); ` +
        `bare mqtt.js runs ${reference.map((run) => count(run.valuesPerSecond)).join(' / ')}; plant.advance (left out) ${fixed(advanceMs / Math.max(1, ours.length), 0)} ms CPU per run; ` +
        `${missing.every((value) => value === 0) ? 'the subscriber received every message' : `SUBSCRIBER COUNT OFF BY ${missing.join(', ')}`}.`,
    );
    otherCores.push(`${name} ${ours.map((run) => fixed(run.otherCores, 2)).join(' / ')}`);
  }
  notes.push(`Cores the rest of the machine used during the free-running runs: ${otherCores.join('; ')}.`);
  return { rows, notes };
}

/** (b) Real time on the simulation clock, product defaults (tick 1 s, physics step 100 ms). */
async function realTime(context: BenchContext, plant: Plant, url: string, subscriber: SinkProcess, processes: Processes): Promise<Section> {
  const rows: Row[] = [];
  const notes: string[] = [];
  // Window lengths in ticks, the first a warm-up; the small-window row repeats itself exactly, so it runs shorter.
  const cases: { protocol: PublishProtocol; maxInFlight?: number; label: string; goal: boolean; windowTicks: number[] }[] = [
    {
      protocol: { type: 'json', qos: 1, batching: 'per-machine' },
      maxInFlight: simulateDefaults.mqtt.json.maxInFlight,
      label: `maxInFlight ${count(simulateDefaults.mqtt.json.maxInFlight)} (\`shopfloor simulate\`'s default)`,
      goal: true,
      windowTicks: [2, 4, 4, 4],
    },
    { protocol: { type: 'sparkplug' }, label: '', goal: false, windowTicks: [2, 3, 3, 3] },
    {
      protocol: { type: 'json', qos: 1, batching: 'per-machine' },
      maxInFlight: 1_000,
      label: `maxInFlight ${count(1_000)} (a small window, for comparison)`,
      goal: false,
      windowTicks: [1, 2, 2, 2],
    },
  ];
  for (const item of cases) {
    const windowTicks = context.quick ? [1, 2] : item.windowTicks;
    const { windows, missing } = await publishRealTime(plant, url, item.protocol, windowTicks, processes, subscriber, item.maxInFlight);
    const name = `${protocolName(item.protocol)}${item.label === '' ? '' : `, ${item.label}`}`;
    windows.forEach((window, index) =>
      context.log(
        `  real time ${name} ${runLabel(context, index)}: ${count(window.valuesPerSecond)} values/s over ${window.ticks} ticks (${fixed(window.seconds, 2)} s), coalesced ${count(window.coalesced)}; ` +
          `process ${percent(window.processCores)} of a core (plant ${percent(window.plantCores)}), mosquitto ${percent(window.brokerCores)}, others ${fixed(window.otherCores, 2)} cores`,
      ),
    );
    const measured: RealTimeWindow[] = windows.slice(1);
    const rate = median(measured.map((window) => window.valuesPerSecond));
    const coalesced = measured.reduce((sum, window) => sum + window.coalesced, 0);
    const cores = median(measured.map((window) => window.processCores));
    rows.push({
      measure: `real time, ${name}: ${item.protocol.type === 'sparkplug' ? 'metrics' : 'tags'}/s of ${count(plant.tags.length)} tags at 1 Hz`,
      figure: count(rate),
      goal: item.goal ? `every tag every second (≥ ${count(goalTagsPerSecond)}), none coalesced` : '—',
      met: item.goal ? rate >= Math.min(goalTagsPerSecond, plant.tags.length * 0.99) && coalesced === 0 : undefined,
      raw: '—',
      ratio: '—',
      cpu: `process ${percent(cores)} of a core (plant.advance ${percent(median(measured.map((window) => window.plantCores)))}) = ${fixed((cores * 100 * 10_000) / plant.tags.length, 2)} % of a core per 10k tags at 1 Hz; mosquitto ${percent(median(measured.map((window) => window.brokerCores)))}`,
      runs: marked(
        measured.map((window) => window.valuesPerSecond),
        measured.map((window) => window.otherCores),
        count,
      ),
    });
    notes.push(
      `Real time, ${name}: coalesced (due samples left for a later tick) ${measured.map((window) => count(window.coalesced)).join(' / ')}; whole process ${measured.map((window) => percent(window.processCores)).join(' / ')} of a core; ` +
        `the rest of the machine ${measured.map((window) => fixed(window.otherCores, 2)).join(' / ')} cores; ${missing === 0 ? 'the subscriber received every message' : `SUBSCRIBER COUNT OFF BY ${missing}`}.`,
    );
  }
  return { rows, notes };
}

/** (c) plant.advance + reading every tag, per tag per simulated second. */
function plantCost(context: BenchContext, plants: readonly { label: string; plant: Plant; seconds: number }[]): Section {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const { label, plant, seconds } of plants) {
    const perTag: number[] = [];
    const readPerTag: number[] = [];
    const others: number[] = [];
    const wall: number[] = [];
    for (const index of runIndexes(context)) {
      const meter = new CpuMeter(new Map());
      const started = performance.now();
      const run = advanceAndRead(plant, context.quick ? Math.max(1, Math.round(seconds / 5)) : seconds);
      const otherCores = (meter.since().get('others') ?? Number.NaN) / 1e3 / (performance.now() - started);
      context.log(
        `  plant ${label} ${runLabel(context, index)}: ${fixed(run.perTag, 3)} µs/tag per simulated s (read alone ${fixed(run.readPerTag, 3)}), ${fixed(run.wallMsPerSecond, 1)} ms wall per simulated s; others ${fixed(otherCores, 2)} cores`,
      );
      if (index === 0) continue;
      perTag.push(run.perTag);
      readPerTag.push(run.readPerTag);
      others.push(otherCores);
      wall.push(run.wallMsPerSecond);
    }
    const figure = median(perTag);
    rows.push({
      measure: `plant.advance(+1 s) + read every tag, ${label}`,
      figure: `${fixed(figure, 3)} µs/tag`,
      goal: '—',
      met: undefined,
      raw: '—',
      ratio: '—',
      cpu: `${fixed(figure * 10, 1)} ms/s per 10k tags at 1 Hz (${fixed(median(wall), 1)} ms wall per simulated s for all ${count(plant.tags.length)})`,
      runs: marked(perTag, others, (value) => fixed(value, 3)),
    });
    notes.push(`${label} ${fixed(median(readPerTag), 3)}`);
  }
  // The notes are the reading costs, for one line in the end.
  return { rows, notes };
}

/** (d) Vibration blocks per second, against filling the same Float32Array with sines. */
function waveforms(context: BenchContext): Section {
  const blocks = context.quick ? 200 : 2_000;
  const healthy = createPlant(defaultPlantDescription(), { startTime: benchStartTime });
  const worn = createPlant(defaultPlantDescription(), { startTime: benchStartTime });
  worn.injectFault('cooling-pump', 'bearing-wear', { severity: 0.6 });
  const cases = [
    { label: 'pump, healthy', plant: healthy, machine: 'cooling-pump' },
    { label: 'pump with bearing wear (severity 0.6)', plant: worn, machine: 'cooling-pump' },
    { label: 'CNC spindle', plant: healthy, machine: 'cnc-1' },
  ];
  const rows: Row[] = [];
  let shape = '';
  for (const item of cases) {
    for (let block = 0; block < 200; block++) item.plant.waveform(item.machine);
    const ours: number[] = [];
    const raw: number[] = [];
    const others: number[] = [];
    for (const index of runIndexes(context)) {
      const meter = new CpuMeter(new Map());
      const started = performance.now();
      const run = waveformBlocks(item.plant, item.machine, blocks);
      const sine = sineBlocks(blocks, run.samples, run.sampleRateHz);
      const otherCores = (meter.since().get('others') ?? Number.NaN) / 1e3 / (performance.now() - started);
      shape = `${count(run.samples)} samples at ${fixed(run.sampleRateHz / 1_000, 1)} kHz`;
      context.log(
        `  waveform ${item.label} ${runLabel(context, index)}: ${count(1e6 / run.usPerBlock)} blocks/s (${fixed(run.usPerBlock, 1)} µs CPU each) | sines ${count(1e6 / sine)} blocks/s; others ${fixed(otherCores, 2)} cores`,
      );
      if (index === 0) continue;
      ours.push(run.usPerBlock);
      raw.push(sine);
      others.push(otherCores);
    }
    const figure = median(ours);
    rows.push({
      measure: `vibration blocks/s, ${item.label}`,
      figure: count(1e6 / figure),
      goal: '—',
      met: undefined,
      raw: `${count(1e6 / median(raw))} (Float32Array of sines)`,
      ratio: times(median(ours.map((us, index) => (raw[index] ?? Number.NaN) / us))),
      cpu: `${fixed(figure, 0)} µs per block (one core)`,
      runs: marked(
        ours.map((us) => 1e6 / us),
        others,
        count,
      ),
    });
  }
  return {
    rows,
    notes: [
      `Vibration blocks: ${shape}, channels x, y, z in turn, ${count(blocks)} blocks per run on one core (CPU time); every 10 blocks the plant advances 160 ms (left out). Raw reference: a new Float32Array of the same length filled with Math.sin, one sine per sample (no FFT library is installed, none added).`,
    ],
  };
}

export async function benchSimulator(context: BenchContext): Promise<BenchResult> {
  const machinesPerLine = context.quick ? 200 : 2_000;
  const mosquitto = await startMosquitto();
  const closers: (() => Promise<void>)[] = [() => mosquitto.close()];
  try {
    const broker = findChildPid(process.pid, 'mosquitto');
    if (broker === undefined) throw new Error('cannot find the Mosquitto process testkit started');
    const subscriber = await SinkProcess.start({ type: 'start', mode: 'mqtt', url: mosquitto.url, filter: '#', qos: 0 });
    closers.unshift(() => subscriber.close());
    const raw = await connectRawClient(mosquitto.url);
    closers.unshift(() => raw.endAsync());
    const processes = { broker, subscriber: subscriber.pid };

    // The small in-process measurements first, while the heap is small (a major GC of the big plants would dwarf
    // them); then one big plant at a time, each measured in (c) right after its protocol runs and then dropped, so
    // the process holds one plant as `shopfloor simulate` does.
    const demo = createPlant(defaultPlantDescription(), { startTime: benchStartTime });
    const demoCost = plantCost(context, [{ label: `demo plant, ${count(demo.tags.length)} tags, step 100 ms`, plant: demo, seconds: 1_500 }]);
    const vibration = waveforms(context);

    let started = performance.now();
    let plant: Plant | undefined = benchPlant(machinesPerLine, 1_000);
    const createSteppedMs = performance.now() - started;
    const tags = count(plant.tags.length);
    const machines = count(plant.machines().length);
    const published = await freeRunning(context, plant, mosquitto.url, raw, subscriber, processes);
    const steppedCost = plantCost(context, [{ label: `${tags} tags, step 1 s`, plant, seconds: 10 }]);
    plant = undefined;

    started = performance.now();
    let plantDefaultStep: Plant | undefined = benchPlant(machinesPerLine, simulatorDefaults.stepMs);
    const createDefaultMs = performance.now() - started;
    const live = await realTime(context, plantDefaultStep, mosquitto.url, subscriber, processes);
    const defaultStepCost = plantCost(context, [{ label: `${tags} tags, step 100 ms`, plant: plantDefaultStep, seconds: 5 }]);
    plantDefaultStep = undefined;

    // The default plant's bearing fault starts a minute in; here at once, on every site.
    const sites = multiSitePlant(context.quick ? 18 : 182);
    const multiSite = createPlant({ ...sites, faults: (sites.faults ?? []).map((fault) => ({ ...fault, at: '+1s' })) }, { startTime: benchStartTime });
    multiSite.advance(multiSite.now + 2_000);
    const multiSiteCost = plantCost(context, [
      {
        label: `\`multiSitePlant\`, ${count(multiSite.tags.length)} tags with ${count(multiSite.labels().length)} bearing faults, step 100 ms`,
        plant: multiSite,
        seconds: 5,
      },
    ]);
    const costs = [demoCost, defaultStepCost, steppedCost, multiSiteCost];
    const cost: Section = {
      rows: costs.flatMap((section) => section.rows),
      notes: [`Of that, reading every value and quality (valueAt + qualityAt) costs µs/tag: ${costs.flatMap((section) => section.notes).join('; ')}.`],
    };

    return {
      id: 'simulator',
      title: '7. Simulator',
      setup:
        `The default plant scaled to ${machinesPerLine} machines per line (\`scalePlant\`: ${machines} machines, ${tags} tags, all at 1 Hz), Mosquitto 2.0.11 (testkit) and a subscriber process on \`#\` (QoS 0) that only counts. ` +
        `**Free-running** (a): the product's publisher in this process (\`startJsonPublisher\`, maxInFlight 20,000, or \`startSparkplugEdgeNode\`, DDATA of changed metrics by alias), ${freeRunningTicks(context)} simulated seconds per run, each published as fast as the broker takes it (then the socket drained and, at QoS 1, every PUBACK in: nothing coalesced); ` +
        `plant step 1 s, \`plant.advance\` timed apart and left out. Raw reference: the very messages of the warm-up run (recorded from mqtt.js) republished tick by tick by a bare mqtt.js client in this process, same QoS and per-tick wait. ` +
        `**Real time** (b): a second plant of the same size at \`shopfloor simulate\`'s defaults (simulation clock speed 1, tick ${count(simulatorDefaults.tickMs)} ms, physics step ${simulatorDefaults.stepMs} ms), windows of whole ticks after a warm-up window (4 ticks for the goal row, 3 for Sparkplug, 2 for the small-window row), tags/s over the simulated time of the window (at speed 1, the wall time between the ticks' starts). ` +
        `**Plant** (c): CPU per tag per simulated second (process.cpuUsage, GC included) of \`plant.advance(+1 s)\` and reading every value and quality, each big plant the only one alive in the process. **Vibration** (d): \`plant.waveform\` on the demo plant. CPU per 10,000 tags/s = µs per tag × 10,000 (ms of CPU per second; 10 ms/s is 1 % of a core).`,
      rows: [...published.rows, ...live.rows, ...cost.rows, ...vibration.rows],
      notes: [
        disturbedNote,
        `Creating the plants: ${fixed(createSteppedMs / 1_000, 1)} s (step 1 s) and ${fixed(createDefaultMs / 1_000, 1)} s (step 100 ms) for ${tags} tags.`,
        ...published.notes,
        ...live.notes,
        ...cost.notes,
        ...vibration.notes,
      ],
    };
  } finally {
    for (const close of closers) await close();
  }
}
