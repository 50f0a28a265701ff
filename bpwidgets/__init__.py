"""bpwidgets: live Jupyter widgets for the bp_core engine.

The widgets are being built; this release ships the ``bpwidgets`` command, whose
``demo`` runs a bundled example of the engine.
"""

__version__ = "0.1.0"
