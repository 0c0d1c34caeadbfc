import type { Closeable } from './closeable.ts';

/** The health of one device (a Modbus slave, an OPC UA server) behind a collector. */
export interface DeviceHealth {
  readonly id: string;
  readonly connected: boolean;
  /** Epoch ms of the last read (or notification) that delivered good values. */
  readonly lastGoodReadAt?: number;
  /** Reads or requests that failed since start. */
  readonly errors: number;
  /** Connections (re)opened since start, the first included. */
  readonly connects: number;
  readonly lastError?: string;
  /** Epoch ms when the next reconnect is attempted, while backing off. */
  readonly nextAttemptAt?: number;
}

export interface CollectorHealth {
  readonly id: string;
  readonly kind: 'mqtt' | 'modbus-tcp' | 'opc-ua';
  /** True while every device is connected. */
  readonly connected: boolean;
  readonly lastGoodReadAt?: number;
  readonly errors: number;
  readonly devices: readonly DeviceHealth[];
}

/** A running source of points (it submits to the pipeline itself); `close` stops it and waits for its last submit. */
export interface Collector extends Closeable {
  readonly id: string;
  health(): CollectorHealth;
}
