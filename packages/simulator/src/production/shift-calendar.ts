import type { ShiftDescription } from '../description/plant-description.ts';

/** Planned production time of a site: inside a shift and not in one of its breaks. */
export type ShiftCalendar = (timeMs: number) => boolean;

const minutesPerDay = 1_440;

/** An empty shift list means production around the clock. */
export function createShiftCalendar(shifts: readonly ShiftDescription[], utcOffsetHours: number): ShiftCalendar {
  if (shifts.length === 0) return () => true;
  const windows = shifts.map((shift) => ({
    start: minutesOf(shift.start),
    length: shift.hours * 60,
    breaks: (shift.breaks ?? []).map((pause) => ({ start: minutesOf(pause.start), length: pause.minutes })),
  }));
  return (timeMs) => {
    const minute = (((timeMs / 60_000 + utcOffsetHours * 60) % minutesPerDay) + minutesPerDay) % minutesPerDay;
    for (const window of windows) {
      if (!within(minute, window.start, window.length)) continue;
      if (window.breaks.some((pause) => within(minute, pause.start, pause.length))) continue;
      return true;
    }
    return false;
  };
}

function within(minute: number, start: number, length: number): boolean {
  return (minute - start + minutesPerDay) % minutesPerDay < length;
}

function minutesOf(timeOfDay: string): number {
  const [hours, minutes] = timeOfDay.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}
