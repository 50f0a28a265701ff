"""The GPU target (numba-cuda): ``ops`` what a step does on the device, as data; ``runtime`` the device
kernels and helpers; ``target`` the host loop that runs a network's ``DevicePlan``. Importing
``runtime`` or ``target`` imports numba-cuda; ``ops`` imports nothing heavy.
"""
