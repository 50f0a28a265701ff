"""Progress reporting of runs: text lines in a terminal, a tqdm bar in a notebook."""

from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


def _in_kernel() -> bool:
    """True inside a running Jupyter kernel (a library merely importing ipykernel does not count)."""
    app = getattr(sys.modules.get("ipykernel.kernelapp"), "IPKernelApp", None)
    return bool(app is not None and app.initialized())


class Progress:
    """Report a run's progress at chunk boundaries.

    Parameters
    ----------
    enabled : bool
        Report at all.
    total : int
        Number of steps of the run.
    """

    def __init__(self, enabled: bool, total: int):
        self.enabled = enabled
        self.total = total
        self.start = time.perf_counter()
        self.bar = None
        if enabled and _in_kernel():
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, unit="step", desc="Running")

    def compiled(self, seconds: float) -> None:
        """Report the compilation time, then the start of the run."""
        if self.enabled and self.bar is None:
            print(f"Compilation used {seconds:.4f} s.")
            print("Start running ...")
        self.start = time.perf_counter()

    def advanced(self, done: int, steps: int) -> None:
        """Report that ``done`` of ``total`` steps are finished (``steps`` in the last chunk)."""
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(steps)
        else:
            print(f"Run {100.0 * done / self.total:.1f}% used {time.perf_counter() - self.start:.3f} s.")

    def finished(self) -> None:
        """Report the end of the run."""
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.close()
        else:
            print(f"Simulation is done in {time.perf_counter() - self.start:.3f} s.")
