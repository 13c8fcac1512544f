// Progress while a run goes: one line rewritten in place on a terminal, a line every few seconds otherwise.
import { performance } from 'node:perf_hooks';
import type { RunState } from './records';

/** The progress line for the current `state` (see spike.ts and settle.ts for its fields). */
export function formatProgress(state: RunState, nowMs: number): string {
  const seconds = state.t0 === undefined ? 0 : (nowMs - state.t0) / 1000;
  const clock = `[${seconds.toFixed(1).padStart(6)}s]`;
  if (state.phase?.endsWith('spike')) {
    const rate = seconds > 0 ? Math.round((state.answered ?? 0) / seconds) : 0;
    return `${clock} ${state.phase}: sent ${state.sent}/${state.total}, answered ${state.answered} (${rate}/s), accepted ${state.accepted}, errors ${state.failed}`;
  }
  if (state.phase === 'v2 decisions') return `${clock} ${state.phase}: ${state.decided}/${state.total} decided`;
  return `${clock} ${state.phase ?? 'starting'}`;
}

/**
 * Shows `state` until the returned function is called. On a TTY the line is redrawn every
 * 200 ms; otherwise a line is printed every `intervalMs` when it changed.
 */
export function startProgress(
  state: RunState,
  { stream = process.stderr, quiet = false, intervalMs = 2_000 }: { stream?: NodeJS.WriteStream; quiet?: boolean; intervalMs?: number } = {},
): () => void {
  if (quiet) return () => undefined;
  const tty = Boolean(stream.isTTY);
  let last = '';
  const draw = () => {
    const line = formatProgress(state, performance.now());
    if (tty) stream.write(`\r\x1b[2K${line}`);
    else if (line.replace(/^\[[^\]]*\]/, '') !== last.replace(/^\[[^\]]*\]/, '')) stream.write(`${line}\n`);
    last = line;
  };
  const timer = setInterval(draw, tty ? 200 : intervalMs);
  return () => {
    clearInterval(timer);
    draw();
    if (tty) stream.write('\n');
  };
}

