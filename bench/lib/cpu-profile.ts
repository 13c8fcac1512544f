// Preload (NODE_OPTIONS=--require this file) that CPU-profiles a server process of the bench:
// sampling starts at load, and the profile is written to BENCH_CPU_PROFILE_DIR when the process
// exits through process.exit (the servers do after a graceful SIGTERM). Node refuses --cpu-prof
// in NODE_OPTIONS, hence the inspector.
import fs from 'node:fs';
import path from 'node:path';
import inspector from 'node:inspector';
import { instrumentationDirs } from './settings';

const dir = instrumentationDirs().cpuProfileDir;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) {
        fs.mkdirSync(dir, { recursive: true });
        const name = path.basename(process.argv[1] ?? 'node', '.js');
        fs.writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      }
      exit(code);
    });
  }) as typeof process.exit;
}
