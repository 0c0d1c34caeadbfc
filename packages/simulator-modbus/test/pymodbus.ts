import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The Debian python3-pymodbus lives with the system Python, not with a pyenv `python3`. */
const python = '/usr/bin/python3';
const script = fileURLToPath(new URL('./pymodbus-client.py', import.meta.url));

export type PymodbusOp =
  | { op: 'read'; table: 'input' | 'holding' | 'coil' | 'discrete'; address: number; count?: number }
  | { op: 'read_float32' | 'read_int16'; table: 'input' | 'holding'; address: number }
  | { op: 'write_float32'; address: number; value: number }
  | { op: 'write_register'; address: number; value: number }
  | { op: 'write_registers'; address: number; values: number[] }
  | { op: 'write_coil'; address: number; value: boolean };

export interface PymodbusResult {
  ok: boolean;
  value?: number;
  registers?: number[];
  bits?: boolean[];
  exception?: number;
  error?: string;
}

/** Runs the ops, in order, over one pymodbus connection; async, as the server runs in this process. */
export function runPymodbus(port: number, unit: number, ops: readonly PymodbusOp[]): Promise<PymodbusResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`pymodbus client exited with ${code}: ${stderr}${stdout}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as PymodbusResult[]);
      } catch (error) {
        reject(new Error(`pymodbus client printed ${stdout} (${stderr})`, { cause: error }));
      }
    });
    child.stdin.end(JSON.stringify({ host: '127.0.0.1', port, unit, ops }));
  });
}
