/** Nearest-rank percentile of an ascending array; null when it is empty. */
function percentile(sorted, fraction) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank];
}

module.exports = { percentile };
