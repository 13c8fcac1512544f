// Where the machine's CPU went during a measure, from /proc on Linux (null elsewhere). On a
// 2-core box the server, PostgreSQL and the load generator share the cores; "other" is
// everything else running meanwhile, which skews the figures when it is not near zero.
import fs from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every mainstream Linux
const SAMPLE_EVERY_MS = 250;
const GROUPS_BY_COMMAND: Record<string, string> = { postgres: 'postgres', 'redis-server': 'redis', pgbench: 'pgbench' };

function machineTimes(): { idle: number; total: number } | null {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3]! + (fields[4] ?? 0); // idle + iowait
    return { idle, total: fields.reduce((sum, value) => sum + value, 0) };
  } catch {
    return null;
  }
}

interface ProcessTimes {
  command: string;
  seconds: number;
}

/** CPU seconds (user + system) per process id, with its command name. */
function processTimes(): Map<number, ProcessTimes> {
  const times = new Map<number, ProcessTimes>();
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return times;
  }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      times.set(Number(pid), { command, seconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND });
    } catch {
      // the process ended between readdir and read
    }
  }
  return times;
}

/**
 * Starts measuring; the returned function gives the machine's busy % and the average cores used
 * by each group: `labels` names our own processes by pid, PostgreSQL/Redis/pgbench go by command.
 */
export interface CpuUse {
  /** How busy the whole machine was, in % of all its cores (null where /proc is missing). */
  busyPct: number | null;
  /** Average cores used per group (our labels, postgres, redis, pgbench, other). */
  cores: Record<string, number>;
  /** The busiest unlabelled processes, which skew a measure. */
  busiestOthers?: Array<{ pid: number; cores: number; command: string }>;
}

export function cpuMeter(labels: Record<number, string> = {}): () => CpuUse {
  const machineStart = machineTimes();
  const processStart = processTimes();
  const wallStart = Date.now();
  // Sampled as it goes: database backends end with their client, before the measure is read.
  const lastSeen = new Map(processStart);
  const sample = () => processTimes().forEach((times, pid) => lastSeen.set(pid, times));
  const sampler = setInterval(sample, SAMPLE_EVERY_MS);
  sampler.unref();
  return () => {
    clearInterval(sampler);
    sample();
    const machineEnd = machineTimes();
    if (!machineStart || !machineEnd || machineEnd.total === machineStart.total) return { busyPct: null, cores: {} };
    const busyPct = 100 * (1 - (machineEnd.idle - machineStart.idle) / (machineEnd.total - machineStart.total));
    const wallSeconds = (Date.now() - wallStart) / 1000;
    const cores: Record<string, number> = {};
    const strangers: Array<{ pid: number; cores: number; command: string }> = [];
    for (const [pid, { command, seconds }] of lastSeen) {
      const used = (seconds - (processStart.get(pid)?.seconds ?? 0)) / wallSeconds;
      const group = labels[pid] ?? GROUPS_BY_COMMAND[command];
      if (group) cores[group] = (cores[group] ?? 0) + used;
      else if (used >= 0.05) strangers.push({ pid, cores: used, command: commandLine(pid, command) });
    }
    const known = Object.values(cores).reduce((sum, value) => sum + value, 0);
    // Includes processes that ended during the measure, which /proc no longer lists.
    cores.other = Math.max(0, (busyPct / 100) * os.availableParallelism() - known);
    return { busyPct, cores, busiestOthers: strangers.sort((a, b) => b.cores - a.cores).slice(0, 3) };
  };
}

function commandLine(pid: number, command: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim().slice(0, 100) || command;
  } catch {
    return command;
  }
}

/** Busy % over `ms` before we start anything. */
export async function busyBeforeStart(ms = 1_000): Promise<number | null> {
  const stop = cpuMeter();
  await sleep(ms);
  return stop().busyPct;
}

