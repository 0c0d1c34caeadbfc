/** Ambient temperature of a site: a daily cosine, warmest at 15:00 local time. */
export function ambientTemperature(timeMs: number, utcOffsetHours: number, meanC: number, swingC: number): number {
  const localHours = (timeMs / 3_600_000 + utcOffsetHours) % 24;
  return meanC + swingC * Math.cos((2 * Math.PI * (localHours - 15)) / 24);
}
