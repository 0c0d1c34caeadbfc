import type { Random } from '../random.ts';

/**
 * Slow random variation around zero (an Ornstein–Uhlenbeck process): process demand, raw material,
 * operator habits. `sd` is the long-run standard deviation, `tauS` how long a deviation lasts.
 */
export interface Wander {
  value: number;
  readonly sd: number;
  readonly tauS: number;
  decay: number;
  spread: number;
  dtS: number;
}

export function createWander(sd: number, tauS: number): Wander {
  return { value: 0, sd, tauS, decay: 1, spread: 0, dtS: -1 };
}

export function stepWander(wander: Wander, dtS: number, random: Random): number {
  if (dtS !== wander.dtS) {
    wander.decay = Math.exp(-dtS / wander.tauS);
    wander.spread = wander.sd * Math.sqrt(1 - wander.decay * wander.decay);
    wander.dtS = dtS;
  }
  wander.value = wander.value * wander.decay + wander.spread * random.gaussian();
  return wander.value;
}
