"""Source-code, dictionary and function helpers (the ``brainpy.tools`` API)."""

from bp_core.tools.codes import (
    ast2code,
    deindent,
    format_code,
    func_call,
    get_func_source,
    get_identifiers,
    get_line_indent,
    get_main_code,
    indent,
    is_lambda_function,
    word_replace,
)
from bp_core.tools.dicts import DictPlus
from bp_core.tools.functions import func_copy, get_func_name, get_func_scope, jit, numba_func
from bp_core.tools.logger import show_code_scope, show_code_str, show_passes

__all__ = [
    "ast2code", "deindent", "format_code", "func_call", "get_func_source", "get_identifiers",
    "get_line_indent", "get_main_code", "indent", "is_lambda_function", "word_replace", "DictPlus",
    "func_copy", "get_func_name", "get_func_scope", "jit", "numba_func", "show_code_scope",
    "show_code_str", "show_passes",
]
