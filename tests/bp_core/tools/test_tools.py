import ast

import numpy as np
import pytest

import bp_core as bp
from bp_core import tools


def test_get_identifiers_matches_documented_example():
    expr = "3-a*_b+c5+8+f(A - .3e-10, tau_2)*17"
    assert sorted(tools.get_identifiers(expr)) == ["A", "_b", "a", "c5", "f", "tau_2"]
    assert sorted(tools.get_identifiers(expr, include_numbers=True)) == \
        [".3e-10", "17", "3", "8", "A", "_b", "a", "c5", "f", "tau_2"]


def test_word_replace_only_whole_words():
    assert tools.word_replace("a*_b+c5+8+f(A)", {"a": "banana", "f": "func"}) == "banana*_b+c5+8+func(A)"
    assert tools.word_replace("ab + a", {"a": "x"}) == "ab + x"


def test_indent_deindent_roundtrip_and_line_indent():
    text = "x = 1\nif x:\n    y = 2"
    assert tools.deindent(tools.indent(text, num_tabs=2)) == text
    assert tools.indent("a", tab="\t") == "\ta"
    assert tools.get_line_indent("\t  x") == 6
    assert tools.deindent("def f():\n        pass", docstring=True) == "def f():\npass"


def test_ast2code_and_format_code():
    assert tools.ast2code(ast.parse("x=1+ 2")) == "x = 1 + 2"
    assert tools.format_code("a = (1 +\n  2)\nb=a") == ["a = 1 + 2", "b = a"]


def test_dictplus_attribute_access():
    d = tools.DictPlus({"a": 10, "b": 20})
    assert d.a == 10 and d["b"] == 20
    d.c = 30
    assert d["c"] == 30
    with pytest.raises(AttributeError):
        d.missing
    assert isinstance(d.copy(), tools.DictPlus) and d.to_dict() == {"a": 10, "b": 20, "c": 30}
    deep = tools.DictPlus(x=[1]).deepcopy()
    assert deep.x == [1]


SCALE = 3.0


def scaled(x):
    return SCALE * np.abs(x)


def test_func_copy_is_independent_and_equivalent():
    g = tools.func_copy(scaled)
    assert g is not scaled and g(-2.0) == scaled(-2.0) == 6.0
    g.extra = 1
    assert not hasattr(scaled, "extra")


def test_jit_follows_profile_and_numba_func_substitutes_globals():
    compiled = tools.jit(scaled)
    assert hasattr(compiled, "signatures") and compiled(-1.0) == 3.0
    bp.profile.set(jit=False)
    assert tools.jit(scaled) is scaled
    assert tools.jit([scaled])[0] is scaled
    assert tools.numba_func(scaled, {"SCALE": 5.0})(2.0) == 10.0


def test_function_introspection():
    assert tools.get_func_name(lambda x: x, replace=True) == "lambda"
    assert tools.is_lambda_function(lambda x: x) and not tools.is_lambda_function(scaled)
    scope = tools.get_func_scope(scaled)
    assert scope["SCALE"] == 3.0 and scope["np"] is np
    assert tools.get_main_code(scaled) == "return SCALE * np.abs(x)"
    assert tools.func_call(["a", "b"]) == "a, b"
    assert "def scaled" in tools.get_func_source(scaled)


def test_show_code_helpers_print(capsys):
    tools.show_code_str("a = 1\nb = 2")
    tools.show_code_scope({"g": 1.5, "skip": 0}, ignores=["skip"])
    out = capsys.readouterr().out
    assert "1  a = 1" in out and "g = 1.5" in out and "skip" not in out
