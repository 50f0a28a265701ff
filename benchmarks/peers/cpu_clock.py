"""CPU seconds of this process and of the children it has waited for (AUTO-07p's runners: the Fortran
programs ``auto.run`` starts are children), standard library only (Debian's ``/usr/bin/python3`` runs it).

On a loaded machine wall-clock seconds measure the machine's other work as much as the program's; CPU
seconds are what the program itself spent, so bp_core's and AUTO-07p's can be compared there too.
"""

import resource
import time


def cpu_seconds() -> float:
    """User and system seconds of this process and of its waited-for children, so far."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
