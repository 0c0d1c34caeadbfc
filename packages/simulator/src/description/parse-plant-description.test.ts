import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPlantDescription } from './default-plant.ts';
import { loadPlantDescription, parsePlantDescription, plantDescriptionProblems } from './parse-plant-description.ts';

const example = `
enterprise: acme
seed: 7
sites:
  - id: plant1
    areas:
      - id: pumps
        lines:
          - id: line1
            taktSeconds: 30
            cells:
              - id: station
                machines:
                  - id: pump-1
                    type: pump
                    params: { ratedPowerKw: 15, bearing: { balls: 8, ballDiameterMm: 12, pitchDiameterMm: 60, contactAngleDeg: 0 } }
                    tags: [{ name: discharge-pressure, unit: kPa, rateHz: 10 }]
faults:
  - { machine: pump-1, kind: cavitation, at: "+5m", severity: 0.4 }
`;

function errorOf(action: () => unknown): { name: string; code: string; message: string } {
  try {
    action();
  } catch (error) {
    const { name, code, message } = error as { name: string; code: string; message: string };
    return { name, code, message };
  }
  throw new Error('expected an error');
}

describe('plant descriptions', () => {
  it('accepts a valid file and the built-in plant', () => {
    expect(parsePlantDescription(example, 'plant.yaml').sites[0]?.areas[0]?.lines[0]?.cells[0]?.machines[0]?.id).toBe('pump-1');
    expect(plantDescriptionProblems(defaultPlantDescription(), 'default')).toEqual([]);
  });

  it('refuses schema mistakes naming the file, the key path, what was expected and what was found', () => {
    const text = example
      .replace('type: pump', 'type: pmup')
      .replace('taktSeconds: 30', 'taktSeconds: -1\n            speed: 3')
      .replace('seed: 7', 'seed: seven');
    expect(errorOf(() => parsePlantDescription(text, 'plant.yaml'))).toEqual({
      name: 'InputError',
      code: 'SF_CONFIG_INVALID',
      message:
        'plant description is invalid:\n' +
        'plant.yaml: sites[0].areas[0].lines[0].speed: expected no such key (known: id, taktSeconds, bufferCapacity, buffers, cells), found "speed"\n' +
        'plant.yaml: seed: expected a value of type integer, found string "seven"\n' +
        'plant.yaml: sites[0].areas[0].lines[0].taktSeconds: expected a number > 0, found number -1\n' +
        'plant.yaml: sites[0].areas[0].lines[0].cells[0].machines[0].type: expected text matching ^(cnc|press|pump|motor|conveyor|robot|oven|compressor)$, found string "pmup"',
    });
  });

  it('refuses what only makes sense for the whole plant: ids, parameters, tags, references', () => {
    const text = example
      .replace('params: { ratedPowerKw: 15,', 'params: { ratedPowerKw: 15, ratedTonnage: 100,')
      .replace('ballDiameterMm: 12, pitchDiameterMm: 60', 'ballDiameterMm: 70, pitchDiameterMm: 60')
      .replace('name: discharge-pressure, unit: kPa', 'name: discharge-pressure, unit: furlongs')
      .replace('machine: pump-1, kind: cavitation', 'machine: pump-9, kind: cavitation')
      .concat('  - { machine: pump-1, kind: stuck-sensor }\n  - { machine: pump-1, kind: imbalance, at: "soon" }\n');
    expect(errorOf(() => parsePlantDescription(text, 'plant.yaml')).message.split('\n')).toEqual([
      'plant description is invalid:',
      'plant.yaml: sites[0].areas[0].lines[0].cells[0].machines[0].params.ratedTonnage: expected a parameter of a pump (ratedPowerKw, ratedSpeedRpm, voltageV, powerFactor, efficiency, bearing, shutoffHeadM, ratedFlowM3h, staticHeadM), found "ratedTonnage"',
      'plant.yaml: sites[0].areas[0].lines[0].cells[0].machines[0].params.bearing.ballDiameterMm: expected a ball diameter less than the pitch diameter (60 mm), found number 70',
      'plant.yaml: sites[0].areas[0].lines[0].cells[0].machines[0].tags[0].unit: expected one of "bar", "kPa", "MPa", "psi", found string "furlongs"',
      'plant.yaml: faults[0].machine: expected a machine id or path naming one machine, found string "pump-9": machine "pump-9" does not exist (e.g. "acme/plant1/pumps/line1/station/pump-1")',
      expect.stringMatching(/^plant\.yaml: faults\[1\]\.tag: expected the tag the stuck-sensor affects \(one of flow, head, .*\), found nothing$/),
      'plant.yaml: faults[2].at: expected an ISO 8601 time or "+<duration>" such as "+5m", found string "soon"',
    ]);
  });

  it('refuses every fault that would fail when it starts, naming the key path (same checks as startFault)', () => {
    const text = example
      .replace(
        '                    tags: [{ name: discharge-pressure, unit: kPa, rateHz: 10 }]\n',
        '                    tags: [{ name: discharge-pressure, unit: kPa, rateHz: 10 }]\n                  - { id: oven-1, type: oven, params: { zones: 2 } }\n',
      )
      .concat(
        [
          '  - { machine: pump-1, kind: stuck-sensor, tag: flow, timeToFailure: 1h }',
          '  - { machine: pump-1, kind: dropped-link, timeToFailure: 1h }',
          '  - { machine: pump-1, kind: imbalance, tag: flow }',
          '  - { machine: pump-1, kind: sensor-drift, tag: running }',
          '  - { machine: pump-1, kind: bearing-wear, timeToFailure: 0s }',
          '  - { machine: oven-1, kind: stuck-sensor, tag: zone3-temperature }',
          '  - { machine: oven-1, kind: overheating, location: inner }',
          '  - { machine: oven-1, kind: stuck-sensor, tag: zone2-temperature }',
          '  - { machine: oven-1, kind: bearing-wear, location: cage, timeToFailure: 2d }',
          '',
        ].join('\n'),
      );
    const lines = errorOf(() => parsePlantDescription(text, 'plant.yaml')).message.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'plant description is invalid:',
      'plant.yaml: faults[1].timeToFailure: expected no time to failure (a stuck-sensor does not fail the machine), found string "1h"',
      'plant.yaml: faults[2].timeToFailure: expected no time to failure (a dropped-link does not fail the machine), found string "1h"',
      'plant.yaml: faults[3].tag: expected no tag (a imbalance affects the whole machine), found string "flow"',
      expect.stringMatching(/^plant\.yaml: faults\[4\]\.tag: expected a numeric tag the sensor-drift affects \(one of flow, .*\), found string "running"$/),
      'plant.yaml: faults[5].timeToFailure: expected a duration above zero such as "30d", found string "0s"',
      expect.stringMatching(
        /^plant\.yaml: faults\[6\]\.tag: expected the tag the stuck-sensor affects \(one of zone1-temperature, .*zone2-heater-output, heater-power.*\), found string "zone3-temperature"$/,
      ),
      'plant.yaml: faults[7].location: expected no location (only bearing-wear has one), found string "inner"',
    ]);
    expect(lines).toHaveLength(8);
    expect(lines[4]).not.toMatch(/running,|, running\)/);
  });

  it('refuses duplicate ids and ambiguous references', () => {
    const description = defaultPlantDescription();
    const line = description.sites[0]?.areas[0]?.lines[0];
    line?.cells.push({ id: 'turning', machines: [{ id: 'coolant-pump', type: 'pump' }] });
    expect(plantDescriptionProblems(description, 'x').map((problem) => `${problem.path}: ${problem.found}`)).toEqual([
      'sites[0].areas[0].lines[0].cells[7].id: string "turning"',
      expect.stringContaining('faults[0].machine: string "coolant-pump": machine "coolant-pump" is ambiguous'),
    ]);
  });

  it('names the file when it cannot be read or is not YAML', () => {
    const directory = mkdtempSync(join(tmpdir(), 'plant-'));
    const file = join(directory, 'broken.yaml');
    writeFileSync(file, 'enterprise: acme\nsites: [\n');
    expect(errorOf(() => loadPlantDescription(file)).message).toMatch(
      new RegExp(
        `^plant description is invalid:\\n${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \\(file\\): expected valid YAML, found a syntax error at line \\d+`,
      ),
    );
    expect(errorOf(() => loadPlantDescription(join(directory, 'missing.yaml'))).message).toContain(
      'missing.yaml: (file): expected a readable YAML file, found ENOENT',
    );
  });
});
