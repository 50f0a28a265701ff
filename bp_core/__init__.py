"""bp_core: a numba-compiled engine for neuronal dynamics with the BrainPy 0.3 API.

Use it as ``import bp_core as bp``.
"""

from bp_core import errors, integration, profile, tools
from bp_core.integration import integrate

__version__ = "0.1.0"

__all__ = ["errors", "integration", "profile", "tools", "integrate", "__version__"]
