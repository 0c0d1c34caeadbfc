// Quick performance figures of the simulator core (not a test; no asserts).
// Run after a build: npx tsc -b packages/simulator/tsconfig.json && node packages/simulator/scripts/measure.mjs
import { createPlant, defaultPlantDescription, multiSitePlant, scalePlant } from '../dist/index.js';

function measureTags(label, description, options = {}, simulatedSeconds = 60) {
  let started = performance.now();
  const plant = createPlant(description, options);
  const createMs = performance.now() - started;
  plant.advance(plant.now + 10_000);
  const count = plant.tags.length;
  let checksum = 0;
  started = performance.now();
  for (let second = 0; second < simulatedSeconds; second++) {
    plant.advance(plant.now + 1_000);
    for (let index = 0; index < count; index++) {
      const value = plant.valueAt(index);
      if (typeof value === 'number') checksum += value;
      plant.qualityAt(index);
    }
  }
  const perSecondMs = (performance.now() - started) / simulatedSeconds;
  console.log(
    `${label.padEnd(44)} ${String(count).padStart(7)} tags ${String(plant.machines().length).padStart(5)} machines  create ${createMs.toFixed(0).padStart(5)} ms  ` +
      `advance+read ${perSecondMs.toFixed(1).padStart(6)} ms per simulated s = ${((perSecondMs * 1_000) / count).toFixed(2)} µs/tag/s, ${(count / perSecondMs / 1_000).toFixed(2)} M tags/s on one core`,
  );
  return checksum;
}

function measureWaveforms(label, plant, machine, blocks = 3_000) {
  for (let block = 0; block < 200; block++) plant.waveform(machine);
  const started = performance.now();
  for (let block = 0; block < blocks; block++) {
    if (block % 10 === 0) plant.advance(plant.now + 160);
    plant.waveform(machine, ['x', 'y', 'z'][block % 3]);
  }
  const seconds = (performance.now() - started) / 1_000;
  console.log(`${label.padEnd(44)} ${(blocks / seconds).toFixed(0).padStart(7)} blocks/s (4,096 samples at 25.6 kHz)`);
}

console.log(`node ${process.version}, one core, ${new Date().toISOString()}`);
measureTags('demo plant (100 ms step)', defaultPlantDescription(), {}, 600);
measureTags('scalePlant(demo, 1900) (100 ms step)', scalePlant(defaultPlantDescription(), 1_900));
measureTags('scalePlant(demo, 1900) (1 s step)', scalePlant(defaultPlantDescription(), 1_900), { stepMs: 1_000 });
measureTags('multiSitePlant(182) (100 ms step)', multiSitePlant(182));
const healthy = createPlant(defaultPlantDescription());
measureWaveforms('waveform, healthy pump', healthy, 'cooling-pump');
const worn = createPlant(defaultPlantDescription());
worn.injectFault('cooling-pump', 'bearing-wear', { severity: 0.6 });
measureWaveforms('waveform, pump with bearing impacts', worn, 'cooling-pump');
measureWaveforms('waveform, CNC spindle', healthy, 'cnc-1');
