"""Where generated code runs: the targets (plain Python, numba on the CPU, numba-cuda on a GPU), the runtime
helpers generated code calls (each registered once, with each target's version), and the on-disk cache of
generated files. The only package that imports numba; its callers import ``backend.compile`` when they first
compile, so ``import bp_core`` stays free of numba's import time."""
