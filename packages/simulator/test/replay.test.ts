import { describe, expect, it } from 'vitest';
import { createReplayPlant, recordPlant } from '../src/index.ts';
import { errorOf, minute, quietPlant, start } from './plant-fixtures.ts';

describe('replay', () => {
  it('plays a recording of a simulated plant back with the same values at the same times', () => {
    const recorded = quietPlant();
    const csv = recordPlant(recorded, start + 2 * minute);
    const replay = createReplayPlant({ text: csv, sourceName: 'two-minutes.csv' });
    const reference = quietPlant();
    expect(replay.now).toBe(start);
    expect(replay.tags.map((tag) => tag.path)).toEqual(reference.tags.map((tag) => tag.path));
    // Types are inferred from the values: a float tag whose recorded values are all whole reads as int.
    expect(replay.tags.filter((tag, index) => reference.tags[index]?.dataType !== 'float' && tag.dataType !== reference.tags[index]?.dataType)).toEqual([]);
    for (const at of [start, start + 30_500, start + 61_000, start + 2 * minute]) {
      replay.advance(at);
      reference.advance(at);
      expect(replay.tags.map((tag) => replay.valueAt(tag.index))).toEqual(reference.tags.map((tag) => reference.valueAt(tag.index)));
      expect(replay.tags.map((tag) => replay.timestampAt(tag.index))).toEqual(reference.tags.map((tag) => reference.timestampAt(tag.index)));
    }
    expect(replay.machines().map((machine) => [machine.path, machine.state, machine.tags])).toEqual(
      reference.machines().map((machine) => [machine.path, machine.state, machine.tags]),
    );
    // The type is guessed from a word of the id; washer-dryer (an oven) and exhaust-fan (a motor) have none.
    expect(
      replay
        .machines()
        .filter((machine, index) => machine.type !== reference.machines()[index]?.type)
        .map((machine) => machine.id),
    ).toEqual(['washer-dryer']);
  });

  it('steps through a hand-written recording and refuses control', () => {
    const replay = createReplayPlant({ text: 'acme/s/a/l/c/pump-1/flow,1000,10\nacme/s/a/l/c/pump-1/flow,3000,30\nacme/s/a/l/c/pump-1/state,2000,"down"\n' });
    expect([replay.valueAt(0), replay.qualityAt(0), replay.valueAt(1), replay.qualityAt(1)]).toEqual([10, 'good', '', 'bad']);
    replay.advance(2_500);
    expect([replay.valueAt(0), replay.value('acme/s/a/l/c/pump-1/state'), replay.machines()[0]?.state, replay.machines()[0]?.type]).toEqual([
      10,
      'down',
      'down',
      'pump',
    ]);
    replay.advance(10_000);
    expect([replay.valueAt(0), replay.timestampAt(0), replay.now]).toEqual([30, 3_000, 10_000]);
    expect(errorOf(() => replay.write('acme/s/a/l/c/pump-1/flow', 3)).message).toBe(
      'tag "acme/s/a/l/c/pump-1/flow" is not writable: a replayed plant plays back a recording',
    );
    expect(errorOf(() => replay.injectFault('pump-1', 'imbalance')).code).toBe('SF_BAD_REQUEST');
  });
});
