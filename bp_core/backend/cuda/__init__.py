"""The GPU target (numba-cuda): ``ops`` what a step does on the device, as data; ``runtime`` the device
kernels and helpers; ``target`` the host loop that runs a network's ``DevicePlan``; ``ptx`` its kernels
compiled without a GPU. Importing ``runtime``, ``target`` or ``ptx`` imports numba-cuda; ``ops`` imports
nothing heavy.
"""
