/**
 * A first-order lag (thermal inertia, a speed ramp): the value moves toward its target with time
 * constant `tauS`, integrated exactly (`value += (target − value)(1 − e^(−dt/τ))`), so any step
 * size is stable.
 */
export interface Lag {
  value: number;
  /** The last target it was asked to follow; `settle` jumps to it. */
  target: number;
  readonly tauS: number;
  alpha: number;
  alphaDtS: number;
}

export function createLag(value: number, tauS: number): Lag {
  return { value, target: value, tauS, alpha: 0, alphaDtS: -1 };
}

export function follow(lag: Lag, target: number, dtS: number): number {
  if (dtS !== lag.alphaDtS) {
    lag.alpha = 1 - Math.exp(-dtS / lag.tauS);
    lag.alphaDtS = dtS;
  }
  lag.target = target;
  lag.value += (target - lag.value) * lag.alpha;
  return lag.value;
}

/** Jumps every lag to its target: the plant starts in steady state. */
export function settle(lags: readonly Lag[]): void {
  for (const lag of lags) lag.value = lag.target;
}
