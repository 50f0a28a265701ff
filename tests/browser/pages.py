"""What the browser tests and the lecture-hall benchmark read from a dashboard page, and the kernels behind it."""

from __future__ import annotations

from pathlib import Path

PAGE_STATE = """() => {
  const canvas = document.querySelector('canvas.bp-raster-canvas');
  let pixels = 0, hash = 0;
  if (canvas) {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let k = 3; k < data.length; k += 4) {
      if (data[k] > 0 && data[k - 3] < 80) { pixels += 1; hash = (hash * 31 + k) % 1000000007; }  // spikes only
    }
  }
  const svg = Array.from(document.querySelectorAll('svg.svg-figure path, svg.svg-figure circle, svg.svg-figure .dot'))
    .map(e => (e.getAttribute('d') || '') + (e.getAttribute('transform') || '')).join('|');
  let svgHash = 0;
  for (let k = 0; k < svg.length; k++) svgHash = (svgHash * 31 + svg.charCodeAt(k)) % 1000000007;
  return {pixels, hash, svgHash, svgLength: svg.length};
}"""

READY = {  # what "its figure is shown" means for each dashboard
    "gamma": "s => s.pixels > 50",
    "ei_balance": "s => s.pixels > 50",
    "fhn_lecture": "s => s.svgLength > 5000",
    "hh_neuron": "s => s.svgLength > 5000",
}


def kernels_of(pid: int) -> list[int]:
    """Kernel processes started under ``pid`` (the demo starts Voila, which starts the kernels)."""
    parents, commands = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                commands[int(entry.name)] = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])

    def under(p: int) -> bool:
        while p > 1:
            p = parents.get(p, 0)
            if p == pid:
                return True
        return False

    return [p for p in parents if under(p) and b"ipykernel" in commands.get(p, b"")]


SLIDER = {"gamma": 1, "ei_balance": 1, "fhn_lecture": 0, "hh_neuron": 0}  # a parameter, not the network's structure
