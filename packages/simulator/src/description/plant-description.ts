import { Type, type Static } from 'typebox';
import { bearingDefectLocations, faultKinds, machineTypes, type BearingDefectLocation, type FaultKind, type MachineType } from '../plant-api.ts';

/**
 * The plant description: the YAML a `simulate` run loads. Same ISA-95 levels and tag paths as the
 * runtime: `<enterprise>/<site>/<area>/<line>/<cell>/<machine>/<tag>`. What the schema cannot say
 * (unique ids, references, per-type parameters) is checked in `description-problems.ts`.
 */

/**
 * One of a list of words. A pattern rather than a union of literals: TypeBox stops after 8 errors
 * and counts one per literal, so a union would cut the list of allowed words short.
 */
const oneOf = <T extends string>(words: readonly T[], what: string) =>
  Type.Unsafe<T>(Type.String({ pattern: `^(${words.join('|')})$`, description: `${what}: one of ${words.join(', ')}.` }));
const segment = (what: string) =>
  Type.String({ pattern: '^[A-Za-z0-9_\\-.:]{1,64}$', description: `${what}: one tag path segment (letters, digits, "_", "-", ".", ":").` });
/** `90s`, `5m`, `1.5h`, `3d`; `+` allowed (relative to the plant's start). */
const duration = (what: string) => Type.String({ pattern: '^\\+?\\d+(\\.\\d+)?(ms|s|m|h|d)$', description: `${what}, e.g. "90s", "5m", "1.5h", "3d".` });
const timeOfDay = (what: string) => Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: `${what}, "HH:MM" in the site's local time.` });

export const bearingGeometrySchema = Type.Object(
  {
    balls: Type.Integer({ minimum: 3, maximum: 60, description: 'Number of rolling elements.' }),
    ballDiameterMm: Type.Number({ exclusiveMinimum: 0, maximum: 500, description: 'Rolling element diameter d.' }),
    pitchDiameterMm: Type.Number({ exclusiveMinimum: 0, maximum: 5_000, description: 'Pitch diameter D (greater than d).' }),
    contactAngleDeg: Type.Number({ minimum: 0, maximum: 60, description: 'Contact angle φ.' }),
  },
  { additionalProperties: false },
);
export type BearingGeometry = Static<typeof bearingGeometrySchema>;

/** Physical parameters; which keys apply to which machine type is in `machineParamOwners`. */
export const machineParamsSchema = Type.Object(
  {
    ratedPowerKw: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 20_000, description: 'Rated power of the main motor.' })),
    ratedSpeedRpm: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 60_000, description: 'Rated speed of the main shaft (the one whose vibration is measured).' }),
    ),
    voltageV: Type.Optional(Type.Number({ minimum: 100, maximum: 15_000, description: 'Line-to-line supply voltage.' })),
    powerFactor: Type.Optional(Type.Number({ minimum: 0.3, maximum: 1, description: 'Power factor at rated load.' })),
    efficiency: Type.Optional(Type.Number({ minimum: 0.3, maximum: 1, description: 'Motor efficiency.' })),
    bearing: Type.Optional(bearingGeometrySchema),
    shutoffHeadM: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 2_000, description: 'Pump: head at zero flow, H0.' })),
    ratedFlowM3h: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000, description: 'Pump: flow at the best efficiency point.' })),
    staticHeadM: Type.Optional(Type.Number({ minimum: 0, maximum: 2_000, description: 'Pump: static head of the system.' })),
    capacityM3Min: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1_000, description: 'Compressor: free air delivery when loaded.' })),
    receiverM3: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1_000, description: 'Compressor: air receiver volume.' })),
    heaterKw: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10_000, description: 'Oven: installed heater power over all zones.' })),
    zones: Type.Optional(Type.Integer({ minimum: 1, maximum: 6, description: 'Oven: number of heating zones.' })),
    ratedTonnage: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10_000, description: 'Press: rated force in tonnes.' })),
    beltSpeedMs: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10, description: 'Conveyor: nominal belt speed.' })),
    lengthM: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1_000, description: 'Conveyor: belt length.' })),
    maxSpindleRpm: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 60_000, description: 'CNC: highest spindle speed.' })),
    payloadKg: Type.Optional(Type.Number({ minimum: 0, maximum: 2_000, description: 'Robot: payload handled per cycle.' })),
  },
  { additionalProperties: false },
);
export type MachineParams = Static<typeof machineParamsSchema>;

export const tagOverrideSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of a tag of the machine type (see docs/simulator.md).' }),
    rateHz: Type.Optional(Type.Number({ minimum: 0.001, maximum: 100, description: 'Sampling rate in simulated time.' })),
    unit: Type.Optional(Type.String({ minLength: 1, description: 'Engineering unit to report in; must convert from the default unit.' })),
  },
  { additionalProperties: false },
);
export type TagOverride = Static<typeof tagOverrideSchema>;

export const machineDescriptionSchema = Type.Object(
  {
    id: segment('Machine id, unique in its cell'),
    type: oneOf<MachineType>(machineTypes, 'Machine type'),
    params: Type.Optional(machineParamsSchema),
    idealCycleSeconds: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 86_400, description: 'Ideal cycle time of one part; default: line takt × machines in the cell.' }),
    ),
    tags: Type.Optional(Type.Array(tagOverrideSchema)),
  },
  { additionalProperties: false },
);
export type MachineDescription = Static<typeof machineDescriptionSchema>;

export const cellDescriptionSchema = Type.Object(
  { id: segment('Cell id, unique in its line'), machines: Type.Array(machineDescriptionSchema, { minItems: 1 }) },
  { additionalProperties: false },
);
export type CellDescription = Static<typeof cellDescriptionSchema>;

export const bufferDescriptionSchema = Type.Object(
  {
    after: segment('Cell whose output the buffer holds'),
    capacity: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Parts the buffer holds.' }),
  },
  { additionalProperties: false },
);

export const lineDescriptionSchema = Type.Object(
  {
    id: segment('Line id, unique in its area'),
    taktSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400, description: 'Target time between two parts leaving the line.' })),
    bufferCapacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Capacity of each buffer between consecutive cells.' })),
    buffers: Type.Optional(Type.Array(bufferDescriptionSchema)),
    cells: Type.Array(cellDescriptionSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type LineDescription = Static<typeof lineDescriptionSchema>;

export const areaDescriptionSchema = Type.Object(
  { id: segment('Area id, unique in its site'), lines: Type.Array(lineDescriptionSchema, { minItems: 1 }) },
  { additionalProperties: false },
);
export type AreaDescription = Static<typeof areaDescriptionSchema>;

export const ambientSchema = Type.Object(
  {
    meanC: Type.Number({ minimum: -50, maximum: 60, description: 'Daily mean ambient temperature.' }),
    swingC: Type.Number({ minimum: 0, maximum: 30, description: 'Half the daily peak-to-peak swing (warmest at 15:00 local time).' }),
  },
  { additionalProperties: false },
);

export const siteDescriptionSchema = Type.Object(
  {
    id: segment('Site id, unique in the enterprise'),
    utcOffsetHours: Type.Optional(Type.Number({ minimum: -12, maximum: 14, description: 'Local time of the site, for shifts and the ambient cycle.' })),
    ambient: Type.Optional(ambientSchema),
    areas: Type.Array(areaDescriptionSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type SiteDescription = Static<typeof siteDescriptionSchema>;

export const shiftSchema = Type.Object(
  {
    name: segment('Shift name'),
    start: timeOfDay('Start of the shift'),
    hours: Type.Number({ exclusiveMinimum: 0, maximum: 24, description: 'Length of the shift.' }),
    breaks: Type.Optional(
      Type.Array(
        Type.Object({ start: timeOfDay('Start of the break'), minutes: Type.Number({ exclusiveMinimum: 0, maximum: 600 }) }, { additionalProperties: false }),
      ),
    ),
  },
  { additionalProperties: false },
);
export type ShiftDescription = Static<typeof shiftSchema>;

export const faultDescriptionSchema = Type.Object(
  {
    machine: Type.String({ minLength: 1, description: 'Machine id, or a path suffix (`line1/pump-1`) or full path when ids repeat.' }),
    kind: oneOf<FaultKind>(faultKinds, 'Fault kind'),
    at: Type.Optional(Type.String({ minLength: 1, description: 'When the fault starts: an ISO time or "+5m" after the start; absent: at the start.' })),
    severity: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'How bad the fault is at its start.' })),
    timeToFailure: Type.Optional(duration('From the start of the fault until the machine fails')),
    tag: Type.Optional(Type.String({ minLength: 1, description: 'Sensor faults: the tag (name under the machine) affected.' })),
    location: Type.Optional(oneOf<BearingDefectLocation>(bearingDefectLocations, 'Bearing wear: the damaged part (default outer)')),
  },
  { additionalProperties: false },
);
export type FaultDescription = Static<typeof faultDescriptionSchema>;

export const plantDescriptionSchema = Type.Object(
  {
    enterprise: segment('Enterprise, the first segment of every tag path'),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4_294_967_295, description: 'Seed of the random streams; the same seed gives the same plant.' })),
    startTime: Type.Optional(Type.String({ minLength: 1, description: 'Simulated start, ISO 8601 (default 2025-01-06T06:00:00Z, a Monday).' })),
    shifts: Type.Optional(Type.Array(shiftSchema, { description: 'Production shifts; stations are in planned stop outside them and in breaks.' })),
    sites: Type.Array(siteDescriptionSchema, { minItems: 1 }),
    faults: Type.Optional(Type.Array(faultDescriptionSchema)),
  },
  { additionalProperties: false },
);
export type PlantDescription = Static<typeof plantDescriptionSchema>;

export interface PlantDefaults {
  readonly seed: number;
  readonly startTime: string;
  readonly taktSeconds: number;
  readonly bufferCapacity: number;
  readonly utcOffsetHours: number;
  readonly ambient: Static<typeof ambientSchema>;
  /** Start severity of a fault that runs to failure (bearing wear, or any fault given a time to failure). */
  readonly progressiveSeverity: number;
  /** Severity of a fault that does not grow. */
  readonly severity: number;
  readonly bearingTimeToFailure: string;
  readonly shifts: ShiftDescription[];
}

/** What an absent optional key means. */
export const plantDefaults: PlantDefaults = {
  seed: 1,
  startTime: '2025-01-06T06:00:00Z',
  taktSeconds: 60,
  bufferCapacity: 10,
  utcOffsetHours: 0,
  ambient: { meanC: 22, swingC: 4 },
  progressiveSeverity: 0.1,
  severity: 0.5,
  bearingTimeToFailure: '3d',
  shifts: [
    { name: 'early', start: '06:00', hours: 8, breaks: [{ start: '10:00', minutes: 30 }] },
    { name: 'late', start: '14:00', hours: 8, breaks: [{ start: '18:00', minutes: 30 }] },
    { name: 'night', start: '22:00', hours: 8, breaks: [{ start: '02:00', minutes: 30 }] },
  ],
};
