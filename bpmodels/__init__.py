"""The spec's companion model package, ``bpmodels``, served by ``bp_core.models``.

The BrainPy 0.3 documentation imports ready-made models from a separate package
(``from bpmodels.neurons import get_LIF``). These modules give the same names from ``bp_core``'s
model library, so such cells run as written once ``brainpy`` is replaced by ``bp_core``.
"""

from bpmodels import neurons, synapses

__all__ = ["neurons", "synapses"]
