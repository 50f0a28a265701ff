"""Reading back exports from paths that hold no export: a missing file and a file that is not HDF5 came back as
h5py's FileNotFoundError / OSError ('file signature not found'); each is a ModelUseError naming the path and what
to give instead."""

import pytest

import bp_core as bp
from bp_core.errors import ModelUseError
from bp_core.io.nwb import read_parameters, to_nwb


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "missing.nwb"
    with pytest.raises(ModelUseError, match=rf"read_parameters: there is no file '{path}'; give the path of a file "
                                            r"written by bp.io.to_nwb"):
        read_parameters(path)


def test_a_file_that_is_not_hdf5_is_named(tmp_path):
    path = tmp_path / "notes.nwb"
    path.write_bytes(b"not an hdf5 file")
    with pytest.raises(ModelUseError, match=rf"read_parameters: '{path}' is not an NWB \(HDF5\) file"):
        read_parameters(path)


def test_a_written_file_still_reads_back(tmp_path):
    tau = 10.

    def step(ST, _t):
        ST['V'] += tau

    group = bp.NeuGroup(bp.NeuType(name='Exp', ST=bp.types.NeuState({'V': 0.}), steps=step, mode='vector'), 2,
                        monitors=['V'], name='grp')
    net = bp.Network(group)
    net.run(0.2)
    to_nwb(net, tmp_path / "run.nwb")
    assert read_parameters(tmp_path / "run.nwb")['grp'] == {'tau': 10.}
