import { Type, type Static } from 'typebox';

const defectSet = (description: string, unit: string) =>
  Type.Object(
    {
      bpfo: Type.Number({ exclusiveMinimum: 0, description: `Ball pass frequency, outer race (${unit}).` }),
      bpfi: Type.Number({ exclusiveMinimum: 0, description: `Ball pass frequency, inner race (${unit}).` }),
      bsf: Type.Number({ exclusiveMinimum: 0, description: `Ball spin frequency (${unit}).` }),
      ftf: Type.Number({ exclusiveMinimum: 0, description: `Fundamental train (cage) frequency (${unit}).` }),
    },
    { additionalProperties: false, description },
  );

export const bearingGeometrySchema = Type.Object(
  {
    balls: Type.Integer({ minimum: 3, maximum: 100, description: 'Rolling elements.' }),
    ballDiameterMm: Type.Number({ exclusiveMinimum: 0, description: 'Rolling element diameter, mm.' }),
    pitchDiameterMm: Type.Number({ exclusiveMinimum: 0, description: 'Pitch circle diameter, mm.' }),
    contactAngleDeg: Type.Number({ minimum: 0, maximum: 60, description: 'Contact angle, degrees (0 for a deep-groove ball bearing).' }),
  },
  { additionalProperties: false, description: 'Bearing geometry: defect frequencies follow from it and the shaft speed.' },
);
export type BearingGeometry = Static<typeof bearingGeometrySchema>;

export const vibrationConfigSchema = Type.Object(
  {
    bands: Type.Array(
      Type.Object(
        {
          name: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', description: 'Feature name part: the band is reported as <prefix>/band_<name>.' }),
          fromHz: Type.Number({ minimum: 0, description: 'Lower edge, Hz (inclusive).' }),
          toHz: Type.Number({ exclusiveMinimum: 0, description: 'Upper edge, Hz (exclusive); bins above the Nyquist frequency do not exist and add nothing.' }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 32, description: 'Frequency bands whose RMS is reported (band energy as an RMS in the signal’s unit).' },
    ),
    toleranceHz: Type.Number({
      minimum: 0,
      maximum: 1_000,
      description: 'Defect-frequency amplitudes are the largest line within ± this of the frequency (the nearest bins always count).',
    }),
    shaftHz: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 2_000, description: 'Shaft speed, Hz, for blocks that carry none (fixed-speed machines).' }),
    ),
    bearing: Type.Optional(bearingGeometrySchema),
    defectOrders: Type.Optional(defectSet('Defect frequencies as multiples of the shaft speed (from the bearing’s data sheet).', 'orders')),
    defectHz: Type.Optional(defectSet('Fixed defect frequencies (a fixed-speed machine).', 'Hz')),
  },
  { additionalProperties: false },
);
export type VibrationConfig = Static<typeof vibrationConfigSchema>;

export const vibrationDefaults: VibrationConfig = {
  bands: [
    { name: 'low', fromHz: 10, toHz: 1_000 },
    { name: 'mid', fromHz: 1_000, toHz: 5_000 },
    { name: 'high', fromHz: 5_000, toHz: 20_000 },
  ],
  toleranceHz: 3,
};
