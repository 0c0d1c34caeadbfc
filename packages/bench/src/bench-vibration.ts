/**
 * 8. Edge processing, in-process: vibration features from 4,096-sample blocks at 25.6 kHz (channels
 * per core against the raw FFT), and the cost per point of processors on the hot path.
 */
import type { Processor, ProcessorContext } from '@shopfloor/engine';
import type { Point, WaveformBlock } from '@shopfloor/model';
import { createProcessors, createVibrationExtractor, HannSpectrum, vibrationDefaults, type ProcessorsConfig } from '@shopfloor/processors';
import { createPlant, defaultPlantDescription } from '@shopfloor/simulator';
import { runIndexes, runLabel, type BenchContext } from './context.ts';
import { disturbedMark, disturbedNote } from './ingest-compare.ts';
import { CpuMeter, ownCpuUs } from './proc-cpu.ts';
import type { BenchResult, Row } from './report.ts';
import { count, fixed, median, times } from './stats.ts';

/** 4,096 samples at 25.6 kHz with 50 % overlap: a new block every 2,048 samples = 12.5 blocks/s per channel. */
const blocksPerSecondPerChannel = 25_600 / 2_048;
const goalChannelsPerCore = 200;
const goalNonMatchingUs = 0.1;
/** The simulator's cooling pump bearing. */
const pumpBearing = { balls: 8, ballDiameterMm: 17.46, pitchDiameterMm: 72.5, contactAngleDeg: 0 };

interface Measured {
  /** CPU µs per item. */
  readonly us: number;
  /** Cores the rest of the machine used meanwhile. */
  readonly otherCores: number;
}

/** CPU µs per item of `pass` (which returns how many items it handled), repeated for at least `seconds`. */
function measure(pass: () => number, seconds: number): Measured {
  const meter = new CpuMeter(new Map());
  const started = performance.now();
  const cpuBefore = ownCpuUs();
  const until = started + seconds * 1_000;
  let items = 0;
  do items += pass();
  while (performance.now() < until);
  const us = (ownCpuUs() - cpuBefore) / items;
  const otherCores = (meter.since().get('others') ?? Number.NaN) / 1e3 / (performance.now() - started);
  return { us, otherCores };
}

/** Blocks of a worn pump's three axes from the simulator, as the model's WaveformBlock. */
function pumpBlocks(count: number): WaveformBlock[] {
  const plant = createPlant(defaultPlantDescription(), { startTime: Date.parse('2025-01-06T06:00:00Z') });
  plant.injectFault('cooling-pump', 'bearing-wear', { severity: 0.5 });
  const blocks: WaveformBlock[] = [];
  for (let index = 0; index < count; index++) {
    if (index % 3 === 0) plant.advance(plant.now + 80);
    const waveform = plant.waveform('cooling-pump', ['x', 'y', 'z'][index % 3]);
    blocks.push({
      prefix: `${waveform.machine}/vibration-${waveform.channel}`,
      ts: waveform.ts,
      sampleRateHz: waveform.sampleRateHz,
      samples: waveform.samples,
      unit: waveform.unit,
      shaftHz: waveform.frequencies.shaftHz,
    });
  }
  return blocks;
}

async function vibrationRows(context: BenchContext, seconds: number): Promise<{ rows: Row[]; notes: string[] }> {
  const blocks = pumpBlocks(12);
  const extractor = createVibrationExtractor({ ...vibrationDefaults, bearing: pumpBearing });
  const spectrum = new HannSpectrum(4_096);
  const amplitudes = new Float64Array(2_049);
  let checksum = 0;
  const features = (): number => {
    for (const block of blocks) checksum += extractor.process(block).length;
    return blocks.length;
  };
  const rawFft = (): number => {
    for (const block of blocks) checksum += spectrum.amplitudes(block.samples, amplitudes)[100] as number;
    return blocks.length;
  };
  const ours: Measured[] = [];
  const raw: Measured[] = [];
  for (const index of runIndexes(context)) {
    const mine = measure(features, seconds);
    const reference = measure(rawFft, seconds);
    context.log(
      `  vibration features ${runLabel(context, index)}: ${count(1e6 / mine.us)} blocks/s (${fixed(mine.us, 1)} µs each) = ${count(1e6 / mine.us / blocksPerSecondPerChannel)} channels | raw FFT ${count(1e6 / reference.us)} blocks/s = ${count(1e6 / reference.us / blocksPerSecondPerChannel)} channels; others ${fixed(mine.otherCores, 2)} cores`,
    );
    if (index === 0) continue;
    ours.push(mine);
    raw.push(reference);
  }
  if (Number.isNaN(checksum)) throw new Error('vibration bench: a feature is NaN');
  const figure = median(ours.map((run) => run.us));
  const rawFigure = median(raw.map((run) => run.us));
  const channels = (us: number) => 1e6 / us / blocksPerSecondPerChannel;
  const perRunRatio = median(ours.map((run, index) => channels(run.us) / channels(raw[index]?.us ?? Number.NaN)));
  const rows: Row[] = [
    {
      measure: 'vibration features, 25.6 kHz channels per core (4,096-sample blocks, 50 % overlap)',
      figure: `${count(channels(figure))} channels`,
      goal: `≥ ${goalChannelsPerCore} channels`,
      met: channels(figure) >= goalChannelsPerCore,
      raw: `${count(channels(rawFigure))} channels (FFT + Hann + magnitude alone)`,
      ratio: times(perRunRatio),
      cpu: `${fixed(figure, 1)} µs per block (${count(1e6 / figure)} blocks/s)`,
      runs: ours.map((run) => `${count(channels(run.us))}${disturbedMark(run.otherCores)}`).join(' / '),
    },
  ];
  const notes = [
    `Vibration: \`VibrationFeatureExtractor.process\` on ${blocks.length} pre-generated simulator blocks (cooling pump with outer-race wear, axes x, y, z; 4,096 samples at 25.6 kHz, Float32Array) in turn, CPU time on one thread for ${seconds} s per run; ` +
      `each block yields 13 points: rms, peak, crest, kurtosis, 3 band RMS (10–1,000, 1,000–5,000, 5,000–20,000 Hz), 1×, 2×, BPFO, BPFI, BSF, FTF (from the bearing geometry and the block's shaft speed, ± 3 Hz). ` +
      `Channels per core = blocks/s ÷ ${blocksPerSecondPerChannel}. Raw limit, same blocks and run: fft.js \`realTransform\` (N = 4,096) with the Hann window applied and the magnitude of every bin (\`HannSpectrum.amplitudes\`, preallocated buffers), nothing else.`,
  ];
  return { rows, notes };
}

/** 1,000 UNS tags, one point each per second, time-major: `batches` batches of 1,000 points. */
function hotPathBatches(batches: number): Point[][] {
  const tags = Array.from({ length: 1_000 }, (_, index) => `acme/plant1/area${index % 5}/line${index % 10}/cell${index % 20}/asset${index % 100}/tag-${index}`);
  const start = Date.parse('2025-01-06T06:00:00Z');
  const values = tags.map((_, index) => 50 + (index % 17));
  let seed = 12_345;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  return Array.from({ length: batches }, (_, second) =>
    tags.map((tag, index) => {
      // A random walk: about half the steps leave a 0.2 band.
      const value = (values[index] as number) + (random() - 0.5) * 0.8;
      values[index] = value;
      return { tag, ts: start + second * 1_000, value, quality: 'good' as const };
    }),
  );
}

async function hotPathRows(context: BenchContext, seconds: number): Promise<{ rows: Row[]; notes: string[] }> {
  const batches = hotPathBatches(120);
  const points = batches.length * 1_000;
  const derived: Point[] = [];
  const sink: ProcessorContext = {
    emit: (point) => {
      derived.push(point);
    },
  };
  let passed = 0;
  /** One pass over every batch through a fresh processor (fresh state: point times must keep rising). */
  const through = (config: ProcessorsConfig) => (): number => {
    const [processor] = createProcessors(config) as [Processor];
    for (const batch of batches) {
      passed += processor.process(batch, sink).length;
      derived.length = 0;
    }
    return points;
  };
  const cases: { label: string; pass: () => number; goal?: number }[] = [
    { label: 'deadband 0.2 absolute, every tag matched', pass: through([{ type: 'deadband', tags: ['acme/#'], band: 0.2 }]) },
    {
      label: 'aggregate 1 s windows (min, max, avg, count), every tag matched, raw kept',
      pass: through([{ type: 'aggregate', tags: ['acme/#'], windowMs: 1_000 }]),
    },
    {
      label: 'aggregate 1 min windows (min, max, avg, count), every tag matched, raw kept',
      pass: through([{ type: 'aggregate', tags: ['acme/#'], windowMs: 60_000 }]),
    },
    { label: 'scale, every tag matched', pass: through([{ type: 'scale', tags: ['acme/+/+/+/+/+/+'], factor: 1.8, offset: 32 }]) },
    {
      label: 'deadband whose filter matches no tag (the cost to everyone else)',
      pass: through([{ type: 'deadband', tags: ['other/+/+/+/+/+/temperature'], band: 0.2 }]),
      goal: goalNonMatchingUs,
    },
  ];
  // The raw floor of any per-tag processor: one Map lookup per point.
  const state = new Map(batches[0]?.map((point) => [point.tag, point.value]));
  let found = 0;
  const lookup = (): number => {
    for (const batch of batches) for (const point of batch) if (state.get(point.tag) !== undefined) found++;
    return points;
  };
  const rows: Row[] = [];
  for (const item of cases) {
    const ours: Measured[] = [];
    const raw: Measured[] = [];
    for (const index of runIndexes(context)) {
      const mine = measure(item.pass, seconds);
      const reference = measure(lookup, seconds);
      context.log(`  ${item.label} ${runLabel(context, index)}: ${fixed(mine.us * 1_000, 1)} ns/point | Map.get ${fixed(reference.us * 1_000, 1)} ns/point`);
      if (index === 0) continue;
      ours.push(mine);
      raw.push(reference);
    }
    const figure = median(ours.map((run) => run.us));
    rows.push({
      measure: `processor hot path: ${item.label}`,
      figure: `${fixed(figure * 1_000, 1)} ns/point`,
      goal: item.goal === undefined ? '—' : `< ${item.goal * 1_000} ns`,
      met: item.goal === undefined ? undefined : figure < item.goal,
      raw: `${fixed(median(raw.map((run) => run.us)) * 1_000, 1)} ns (one Map.get per point)`,
      ratio: times(median(ours.map((run, index) => run.us / (raw[index]?.us ?? Number.NaN)))),
      cpu: `${count(1e6 / figure)} points/s per core`,
      runs: ours.map((run) => `${fixed(run.us * 1_000, 1)}${disturbedMark(run.otherCores)}`).join(' / '),
    });
  }
  if (passed < 0 || found < 0) throw new Error('unreachable');
  return {
    rows,
    notes: [
      `Processors: \`Processor.process\` from \`createProcessors\` on 120 pre-built batches of 1,000 points (1,000 UNS tags, 1 point per tag per second, a random walk of ±0.4 per step), a fresh processor per pass so point times keep rising, CPU time on one thread for ${seconds} s per run; ` +
        'aggregate emits 4 points per tag per closed window into a collecting context (included): with 1 s windows every point closes one, with 1 min windows one point in 60 does. Raw floor: one `Map.get` by tag per point over the same batches.',
    ],
  };
}

export async function benchVibration(context: BenchContext): Promise<BenchResult> {
  const seconds = context.quick ? 0.5 : 2;
  const vibration = await vibrationRows(context, seconds);
  const hotPath = await hotPathRows(context, context.quick ? 0.3 : 1);
  return {
    id: 'vibration',
    title: '8. Edge processing: vibration features and processors (in-process)',
    setup:
      'One thread, CPU time (process.cpuUsage) per block or per point, our code and its raw limit alternating run by run: vibration feature extraction against fft.js with a Hann window and magnitudes alone, and processors against one Map lookup per point.',
    rows: [...vibration.rows, ...hotPath.rows],
    notes: [...vibration.notes, ...hotPath.notes, disturbedNote],
  };
}
