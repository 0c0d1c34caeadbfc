import { makeEUInformation, type EUInformation } from 'node-opcua';

/**
 * UNECE Recommendation 20 common codes of the units the simulator reports (OPC UA Part 8,
 * EUInformation): the code becomes the unitId, the symbol the DisplayName. A unit without a code
 * here (`spm`, strokes per minute) gets unitId −1, as Part 8 says for a unit with no code.
 */
const unitCodes: Readonly<Record<string, readonly [code: string, description: string]>> = {
  '%': ['P1', 'percent'],
  A: ['AMP', 'ampere'],
  mA: ['4K', 'milliampere'],
  V: ['VLT', 'volt'],
  W: ['WTT', 'watt'],
  kW: ['KWT', 'kilowatt'],
  Wh: ['WHR', 'watt hour'],
  kWh: ['KWH', 'kilowatt hour'],
  MWh: ['MWH', 'megawatt hour'],
  '°C': ['CEL', 'degree Celsius'],
  '°F': ['FAH', 'degree Fahrenheit'],
  K: ['KEL', 'kelvin'],
  bar: ['BAR', 'bar'],
  kPa: ['KPA', 'kilopascal'],
  MPa: ['MPA', 'megapascal'],
  psi: ['PS', 'pound-force per square inch'],
  'm³': ['MTQ', 'cubic metre'],
  'm³/h': ['MQH', 'cubic metre per hour'],
  'm³/min': ['G53', 'cubic metre per minute'],
  'm³/s': ['MQS', 'cubic metre per second'],
  'l/min': ['L2', 'litre per minute'],
  m: ['MTR', 'metre'],
  mm: ['MMT', 'millimetre'],
  ft: ['FOT', 'foot'],
  in: ['INH', 'inch'],
  'm/s': ['MTS', 'metre per second'],
  'm/min': ['2X', 'metre per minute'],
  'mm/s': ['C16', 'millimetre per second'],
  'in/s': ['IU', 'inch per second'],
  g: ['K40', 'standard acceleration of free fall'],
  'm/s²': ['MSK', 'metre per second squared'],
  rpm: ['RPM', 'revolutions per minute'],
  Hz: ['HTZ', 'hertz'],
  s: ['SEC', 'second'],
  ms: ['C26', 'millisecond'],
  min: ['MIN', 'minute'],
  h: ['HUR', 'hour'],
  t: ['TNE', 'tonne'],
  kN: ['B47', 'kilonewton'],
  'N·m': ['NU', 'newton metre'],
  dB: ['2N', 'decibel'],
};

const cache = new Map<string, EUInformation>();

/** The EUInformation of a unit symbol as the simulator writes it (`°C`, `m³/h`, `rpm`). */
export function engineeringUnits(unit: string): EUInformation {
  const cached = cache.get(unit);
  if (cached !== undefined) return cached;
  const known = unitCodes[unit];
  const information = makeEUInformation(known?.[0] ?? '', unit, known?.[1] ?? unit);
  if (known === undefined) information.unitId = -1;
  cache.set(unit, information);
  return information;
}
