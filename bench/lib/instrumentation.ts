// Preloads that instrument a server under test, given to it through NODE_OPTIONS.
import path from 'node:path';
import { instrumentationDirs } from './settings';

/**
 * Environment that instruments a server under test: BENCH_CPU_PROFILE_DIR (a CPU profile per
 * process, lib/cpu-profile.ts), BENCH_TRACE_IO_DIR (every query and Redis command timed,
 * lib/trace-io.ts).
 */
export function instrumentationEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const files: string[] = [];
  const { cpuProfileDir, traceIoDir } = instrumentationDirs();
  if (cpuProfileDir) {
    env.BENCH_CPU_PROFILE_DIR = cpuProfileDir;
    files.unshift('cpu-profile.js');
  }
  if (traceIoDir) {
    env.BENCH_TRACE_IO_DIR = traceIoDir;
    files.push('trace-io.js');
  }
  if (files.length > 0) env.NODE_OPTIONS = files.map((file) => `--require ${path.join(__dirname, file)}`).join(' ');
  return env;
}
