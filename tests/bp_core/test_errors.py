import pytest

from bp_core import errors


def test_close_matches_suggests_or_lists():
    assert "Did you mean 'g_max'" in errors.close_matches("gmax", ["g_max", "tau", "E"])
    assert "Valid names: 'E', 'tau'" in errors.close_matches("zzz", ["tau", "E"])


@pytest.mark.parametrize("cls", [errors.ModelDefError, errors.ModelUseError, errors.TypeMismatchError,
                                 errors.IntegratorError, errors.DiffEquationError, errors.CodeError,
                                 errors.ProfileError])
def test_every_error_is_a_brainpy_error(cls):
    assert issubclass(cls, errors.BrainPyError)
    with pytest.raises(errors.BrainPyError, match="boom"):
        raise cls("boom")
