// Pure logic of the sweep heatmap: which colour each cell takes. No DOM here, so node --test can check it.

export const PENDING = 0;
export const OK = 1;
export const FAILED = 2;

/** The range of the finite values of the cells that ran: [low, high], or null when none has. */
export function valueRange(values, states) {
  let low = Infinity;
  let high = -Infinity;
  for (let k = 0; k < states.length; k++) {
    if (states[k] === OK && Number.isFinite(values[k])) {
      low = Math.min(low, values[k]);
      high = Math.max(high, values[k]);
    }
  }
  return low <= high ? [low, high] : null;
}

/**
 * Colour of one cell: the palette's entry for its value within `range` when it ran, `colours.failed`
 * when it failed, `colours.missing` when it ran without a finite value, "transparent" until it runs.
 */
export function cellColour(value, state, range, palette, colours) {
  if (state === FAILED) return colours.failed;
  if (state !== OK) return "transparent";
  if (!Number.isFinite(value) || range === null) return colours.missing;
  const [low, high] = range;
  const share = high === low ? 0.5 : (value - low) / (high - low);
  return palette[Math.max(0, Math.min(palette.length - 1, Math.floor(share * palette.length)))];
}
