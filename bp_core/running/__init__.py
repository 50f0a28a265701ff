"""Running many simulations: process pools and parameter sweeps (local processes or a Dask cluster).

A sweep keeps every point's outcome: a value, or a recorded failure (an exception, a worker's death, a
timeout, a value that cannot be sent back) that never costs the other points their results.
"""

from bp_core.running.grid import grid_points, grid_size, iter_grid
from bp_core.running.outcome import FAILURES, SweepResult
from bp_core.running.pools import process_pool, process_pool_lock
from bp_core.running.sweep import sweep, sweep_iter

__all__ = ["process_pool", "process_pool_lock", "sweep", "sweep_iter", "SweepResult", "FAILURES", "grid_points",
           "iter_grid", "grid_size"]
