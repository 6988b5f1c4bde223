import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Clock ticks a second, the unit of the CPU times in /proc/<pid>/stat (proc(5): "measured in
 * clock ticks (divide by sysconf(_SC_CLK_TCK))"). 100 on Linux almost everywhere; asked once.
 */
let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  if (!(ticksPerSecond > 0)) throw new Error(`getconf CLK_TCK gave ${ticksPerSecond}`);
  return ticksPerSecond;
}

/**
 * User + system CPU time a process has used so far, microseconds: fields 14 (utime) and 15
 * (stime) of /proc/<pid>/stat (proc(5)). Field 2, the command name, is in parentheses and may
 * hold spaces or parentheses itself, so the fields are counted from after its last `)`.
 */
export function processCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // `rest` starts at field 3, so field n is rest[n - 3].
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`no CPU times in /proc/${pid}/stat`);
  return ((utime + stime) / clockTicks()) * 1e6;
}

/** Starts a CPU meter on a process; `perMessage(n)` gives its CPU since then over n messages, µs. */
export function cpuMeter(pid: number): { perMessage(messages: number): number } {
  const startUs = processCpuUs(pid);
  return {
    perMessage(messages) {
      return (processCpuUs(pid) - startUs) / messages;
    },
  };
}
