"""Translation of models into source code, and its compilation (numba or plain NumPy)."""
