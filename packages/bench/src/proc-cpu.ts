import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ). */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  readonly comm: string;
  readonly ppid: number;
  /** utime + stime of every thread of the process, µs (resolution 1/USER_HZ s). */
  readonly cpuUs: number;
}

function readStat(pid: number, tid?: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm is in parentheses and may hold spaces; the fields after it are space-separated.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  // After comm: state(0) ppid(1) ... utime(11) stime(12).
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { comm: text.slice(open + 1, close), ppid: Number(fields[1]), cpuUs: (ticks * 1e6) / ticksPerSecond };
}

/** CPU time (user + system, all threads) a process has used so far, µs. */
export function processCpuUs(pid: number): number {
  const stat = readStat(pid);
  if (stat === undefined) throw new Error(`process ${pid} is gone; cannot read its CPU time`);
  return stat.cpuUs;
}

/** CPU time of one thread of a process so far, µs (the main thread's tid is the pid). */
export function threadCpuUs(pid: number, tid: number): number {
  const stat = readStat(pid, tid);
  if (stat === undefined) throw new Error(`thread ${tid} of process ${pid} is gone; cannot read its CPU time`);
  return stat.cpuUs;
}

/** The pid of a child of `parent` whose command name is `comm` (e.g. the Mosquitto testkit started). */
export function findChildPid(parent: number, comm: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat?.ppid === parent && stat.comm === comm) return pid;
  }
  return undefined;
}

/** Busy CPU time of the whole machine so far (all CPUs, /proc/stat: everything but idle and iowait), µs. */
export function machineBusyUs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user).
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const ticks = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return (ticks * 1e6) / ticksPerSecond;
}

/** CPU time of this process so far (process.cpuUsage), µs. */
export function ownCpuUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** A process, or one thread of it (`tid`), whose CPU time is charged to a run. */
export interface CpuSource {
  readonly pid: number;
  readonly tid?: number;
}

function cpuOf(source: CpuSource): number {
  return source.tid === undefined ? processCpuUs(source.pid) : threadCpuUs(source.pid, source.tid);
}

/**
 * Snapshot of several processes' (or threads') CPU counters and of the machine's; `since` gives the
 * µs each used after the snapshot, plus `others`: what the rest of the machine used meanwhile (other
 * processes, kernel softirq work) — the interference a run had to share the 2 cores with.
 */
export class CpuMeter {
  readonly #sources: ReadonlyMap<string, CpuSource>;
  readonly #start: Map<string, number>;
  readonly #machineStart = machineBusyUs();
  readonly #ownStart = ownCpuUs();

  constructor(sources: ReadonlyMap<string, CpuSource>) {
    this.#sources = sources;
    this.#start = new Map([...sources].map(([name, source]) => [name, cpuOf(source)]));
  }

  since(): Map<string, number> {
    const used = new Map([...this.#sources].map(([name, source]) => [name, cpuOf(source) - (this.#start.get(name) ?? 0)]));
    // Threads (tid) are parts of a process already counted; this runner's own polling is ours too.
    let ours = ownCpuUs() - this.#ownStart;
    for (const [name, source] of this.#sources) if (source.tid === undefined) ours += used.get(name) ?? 0;
    used.set('others', Math.max(0, machineBusyUs() - this.#machineStart - ours));
    return used;
  }
}
