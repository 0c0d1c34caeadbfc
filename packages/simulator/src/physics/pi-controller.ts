/** A PI controller with output clamped to 0–1 and conditional integration (no wind-up). */
export interface PiController {
  readonly gain: number;
  readonly integralTimeS: number;
  integral: number;
  output: number;
}

export function createPiController(gain: number, integralTimeS: number): PiController {
  return { gain, integralTimeS, integral: 0, output: 0 };
}

export function stepPiController(controller: PiController, error: number, dtS: number): number {
  const proportional = controller.gain * error;
  const candidate = proportional + (controller.gain / controller.integralTimeS) * (controller.integral + error * dtS);
  if (candidate > 0 && candidate < 1) controller.integral += error * dtS;
  controller.output = Math.min(1, Math.max(0, proportional + (controller.gain / controller.integralTimeS) * controller.integral));
  return controller.output;
}

/** Sets the integral so that, with zero error, the output is `output`. */
export function holdOutput(controller: PiController, output: number): void {
  controller.integral = (output * controller.integralTimeS) / controller.gain;
  controller.output = output;
}
