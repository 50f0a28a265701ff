"""What the browser tests and the lecture-hall benchmark read from a dashboard page, and the kernels behind it."""

from __future__ import annotations

import re

import psutil

PAGE_STATE = r"""() => {
  // spikes: opaque pixels (alpha of half or more: the theme's ink may be a little translucent) inside the
  // raster's plot area (the canvas says where); the axis labels and the frame lie outside it, so an empty
  // raster counts none
  const canvas = document.querySelector('canvas.bp-raster-canvas');
  let pixels = 0, hash = 0;
  if (canvas && canvas.dataset.plotArea && canvas.width > 0) {
    const [left, top, width, height] = canvas.dataset.plotArea.split(',').map(Number);
    if (width > 0 && height > 0) {
      const data = canvas.getContext('2d').getImageData(left, top, width, height).data;
      for (let k = 3; k < data.length; k += 4) {
        if (data[k] >= 128) { pixels += 1; hash = (hash * 31 + k) % 1000000007; }
      }
    }
  }
  // traces: the most points of one bqplot line (a placeholder line has two)
  let linePoints = 0;
  for (const path of document.querySelectorAll('svg.svg-figure g.curve path.line')) {
    const d = path.getAttribute('d') || '';
    if (!/\d/.test(d) || d.includes('NaN')) continue;
    linePoints = Math.max(linePoints, (d.match(/[ML]/g) || []).length);
  }
  const svg = Array.from(document.querySelectorAll('svg.svg-figure path, svg.svg-figure circle, svg.svg-figure .dot'))
    .map(e => (e.getAttribute('d') || '') + (e.getAttribute('transform') || '')).join('|');
  let svgHash = 0;
  for (let k = 0; k < svg.length; k++) svgHash = (svgHash * 31 + svg.charCodeAt(k)) % 1000000007;
  return {pixels, hash, linePoints, svgHash, svgLength: svg.length};
}"""

READY = {  # what "its figure is shown" means for each dashboard: spikes drawn, or a trace drawn
    "gamma": "s => s.pixels > 50",
    "ei_balance": "s => s.pixels > 50",
    "fhn_lecture": "s => s.linePoints >= 20",
    "hh_neuron": "s => s.linePoints >= 20",
    "hh_bifurcation": "s => s.linePoints >= 20",
}


DRAWN_WATCH = r"""
// Counts what is drawn on the page's figures (the raster canvas, an SVG figure), so that a wait for the figure
// runs PAGE_STATE, a scan of the raster's pixels and of every SVG path (15-25 ms a call on a loaded machine),
// only after something was drawn, not at every poll: polled twice a second for the minute twenty pages
// took to draw, that scan was more of the page's CPU than the page itself.
window.__bpDrawn = 1;
window.__bpLooked = 0;
(() => {
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ['fillRect', 'clearRect', 'putImageData', 'drawImage']) {
    const original = proto[name];
    proto[name] = function (...args) {
      if (this.canvas && this.canvas.classList.contains('bp-raster-canvas')) window.__bpDrawn += 1;
      return original.apply(this, args);
    };
  }
  const figure = (node) => node.nodeType === 1 && (node.closest('svg.svg-figure, canvas.bp-raster-canvas')
                                                   || node.querySelector('svg.svg-figure, canvas.bp-raster-canvas'));
  new MutationObserver((records) => {
    if (records.some(r => (r.target.closest && r.target.closest('svg.svg-figure'))
                          || Array.prototype.some.call(r.addedNodes, figure))) window.__bpDrawn += 1;
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        attributeFilter: ['d', 'transform', 'cx', 'cy', 'x', 'y', 'width', 'height']});
})();
"""
"""An init script (``page.add_init_script``) for :func:`drawn_probe`."""


def drawn_probe(name: str, look_every_ms: int = 5000) -> str:
    """A ``wait_for_function`` predicate: dashboard ``name``'s figure is shown (:data:`READY`); its value is then
    ``performance.now()``. With :data:`DRAWN_WATCH` installed, PAGE_STATE runs only when something was drawn
    since it last ran (and every ``look_every_ms`` in case a drawing went unseen); without, at every poll."""
    return f"""() => {{
  const look = () => ({READY[name]})(({PAGE_STATE})()) && performance.now();
  if (window.__bpDrawn === undefined) return look();
  if (!window.__bpDrawn && performance.now() - window.__bpLooked < {look_every_ms}) return false;
  window.__bpDrawn = 0;
  window.__bpLooked = performance.now();
  return look();
}}"""


def kernels_of(pid: int) -> dict[str, psutil.Process]:
    """Kernel id -> process, for the kernels started under ``pid`` (the demo starts Voila, which starts them)."""
    kernels = {}
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return kernels
    for child in children:
        try:
            match = re.search(r"kernel-([0-9a-f-]{36})\.json", " ".join(child.cmdline()))
        except psutil.Error:
            continue
        if match:
            kernels[match.group(1)] = child
    return kernels


def kernel_id_in(content: str) -> str:
    """The id of the kernel behind a Voila page, from the page's HTML."""
    return re.search(r'"kernelId":\s*"([0-9a-f-]+)"', content).group(1)


# Which slider to move: a parameter, not the network's structure.
SLIDER = {"gamma": 1, "ei_balance": 1, "fhn_lecture": 0, "hh_neuron": 0, "hh_bifurcation": 0}
