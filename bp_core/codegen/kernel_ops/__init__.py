"""The run kernel as typed operations: one module per family, one walker that schedules them.

``base`` what an operation is and the registry of kinds; ``plans`` what the kernel is built
from; the families ``steps`` (translate and call a step), ``inputs``, ``monitors``, ``delays``,
``queues`` (spike queues) and ``checks`` (record capacity, NaN/inf); ``syntax`` the statements
they lower to; ``walker`` the schedule, object by object. ``codegen.kernel`` emits it.
"""

from bp_core.codegen.kernel_ops.base import KernelOp, choose, kinds, register, unregister
from bp_core.codegen.kernel_ops.walker import KernelSchedule, schedule_kernel

__all__ = ["KernelOp", "KernelSchedule", "choose", "kinds", "register", "unregister", "schedule_kernel"]
