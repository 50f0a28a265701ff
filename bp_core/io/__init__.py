"""Data out in the field's formats: a run as an NWB file (``bp.io.to_nwb``)."""

from bp_core.io.nwb import nwb_bytes, nwb_file, read_parameters, to_nwb

__all__ = ["to_nwb", "nwb_bytes", "nwb_file", "read_parameters"]
