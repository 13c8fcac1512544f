// Progress while a run goes: one line rewritten in place on a terminal, a line every few seconds otherwise.
const { performance } = require('node:perf_hooks');

/** The progress line for the current `state` (see spike.js and settle.js for its fields). */
function formatProgress(state, nowMs) {
  const seconds = state.t0 === undefined ? 0 : (nowMs - state.t0) / 1000;
  const clock = `[${seconds.toFixed(1).padStart(6)}s]`;
  if (state.phase?.endsWith('spike')) {
    const rate = seconds > 0 ? Math.round(state.answered / seconds) : 0;
    return `${clock} ${state.phase}: sent ${state.sent}/${state.total}, answered ${state.answered} (${rate}/s), accepted ${state.accepted}, errors ${state.failed}`;
  }
  if (state.phase === 'v2 decisions') return `${clock} ${state.phase}: ${state.decided}/${state.total} decided`;
  return `${clock} ${state.phase ?? 'starting'}`;
}

/**
 * Shows `state` until the returned function is called. On a TTY the line is redrawn every
 * 200 ms; otherwise a line is printed every `intervalMs` when it changed.
 */
function startProgress(state, { stream = process.stderr, quiet = false, intervalMs = 2_000 } = {}) {
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

module.exports = { formatProgress, startProgress };
