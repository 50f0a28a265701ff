"""The numba backend: compiles generated source (with numba, or as plain NumPy without jit) and holds the
runtime helpers generated code calls. The only package that imports numba. Its callers import it when
they first compile, so ``import bp_core`` stays free of numba's import time."""
