import type { PlantDescription } from './plant-description.ts';

/**
 * The demo plant: one site, two lines, 19 machines of all eight types (550 tags), and a bearing
 * fault on the coolant pump that starts a minute in and fails it 15 minutes later.
 */
export function defaultPlantDescription(): PlantDescription {
  return {
    enterprise: 'acme',
    seed: 42,
    sites: [
      {
        id: 'plant1',
        areas: [
          {
            id: 'machining',
            lines: [
              {
                id: 'line1',
                taktSeconds: 60,
                bufferCapacity: 6,
                cells: [
                  { id: 'infeed', machines: [{ id: 'conveyor-1', type: 'conveyor' }] },
                  {
                    id: 'turning',
                    machines: [
                      { id: 'cnc-1', type: 'cnc' },
                      { id: 'cnc-2', type: 'cnc', params: { maxSpindleRpm: 15_000 } },
                      { id: 'coolant-pump', type: 'pump', params: { ratedPowerKw: 22, ratedFlowM3h: 90, shutoffHeadM: 50 } },
                    ],
                  },
                  { id: 'transfer', machines: [{ id: 'conveyor-5', type: 'conveyor', idealCycleSeconds: 20 }] },
                  { id: 'handling', machines: [{ id: 'robot-1', type: 'robot' }] },
                  { id: 'washing', machines: [{ id: 'washer-dryer', type: 'oven', params: { zones: 2, heaterKw: 60 }, idealCycleSeconds: 50 }] },
                  { id: 'outfeed', machines: [{ id: 'conveyor-2', type: 'conveyor' }] },
                  {
                    id: 'utilities',
                    machines: [
                      { id: 'compressor-1', type: 'compressor' },
                      { id: 'exhaust-fan', type: 'motor', params: { ratedPowerKw: 11 } },
                    ],
                  },
                ],
              },
            ],
          },
          {
            id: 'forming',
            lines: [
              {
                id: 'line2',
                taktSeconds: 30,
                bufferCapacity: 8,
                buffers: [{ after: 'blanking', capacity: 20 }],
                cells: [
                  {
                    id: 'blanking',
                    machines: [
                      { id: 'press-1', type: 'press', idealCycleSeconds: 40 },
                      { id: 'press-2', type: 'press', idealCycleSeconds: 40, params: { ratedTonnage: 250, ratedPowerKw: 30 } },
                    ],
                  },
                  { id: 'transfer', machines: [{ id: 'conveyor-3', type: 'conveyor', idealCycleSeconds: 12 }] },
                  { id: 'welding', machines: [{ id: 'robot-2', type: 'robot', idealCycleSeconds: 28 }] },
                  { id: 'curing', machines: [{ id: 'oven-1', type: 'oven' }] },
                  { id: 'outfeed', machines: [{ id: 'conveyor-4', type: 'conveyor', idealCycleSeconds: 12 }] },
                  {
                    id: 'utilities',
                    machines: [
                      { id: 'cooling-pump', type: 'pump' },
                      { id: 'hydraulic-motor', type: 'motor', params: { ratedPowerKw: 30, ratedSpeedRpm: 1_480 } },
                      { id: 'compressor-2', type: 'compressor', params: { ratedPowerKw: 37, capacityM3Min: 6 } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
    faults: [{ machine: 'coolant-pump', kind: 'bearing-wear', at: '+1m', severity: 0.05, timeToFailure: '15m' }],
  };
}
