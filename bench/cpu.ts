/**
 * CPU time, for costs that must not depend on what else shares the machine's cores:
 * this process (every thread: the event loop and the thread pool that hashes), and the
 * PostgreSQL server's processes on this machine (read from /proc, Linux only).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * User + system CPU of every process named `postgres` (the server and its backends), in ms;
 * undefined when /proc cannot tell (not Linux, or the processes belong to another user and
 * are hidden). Backends that exit between two readings take their time with them, so read
 * around work done on a pool's long-lived connections.
 */
export function postgresCpuMs(): number | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  let ticks = 0;
  let found = 0;
  for (const pid of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      if (name !== 'postgres') continue;
      const fields = stat.slice(close + 2).split(' ');
      // After "(comm)": state is field 3 of stat(5); utime and stime are fields 14 and 15.
      ticks += Number(fields[11]) + Number(fields[12]);
      found++;
    } catch {
      // The process ended while we looked.
    }
  }
  return found ? (ticks * 1000) / clockTicks() : undefined;
}
