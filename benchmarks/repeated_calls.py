"""Transcendental calls in exponential-Euler steps: written in the generated source against made by the compiled code.

Exponential Euler prints each derivative with sympy beside the user's own lines, so a step's source can call
the same function on the same argument more than once (Morris-Lecar's ``np.tanh((V - V1) * _inv_V2)`` in
``m_inf`` and in ``_dm_inf_dV``; Wang-Buzsaki's ``np.exp(-0.1 * V)`` three times in ``_dm_alpha_dV``). numba
declares these functions free of side effects (LLVM's ``memory(none)``), so LLVM computes a repeated call once
whenever its argument is the same value: this script counts, for each model's step, the calls in the source
(all of them, and the distinct ones by text) and the calls left in the optimised LLVM IR, which match the
distinct ones. What LLVM cannot merge is a derivative whose argument sympy rewrote (Wang-Buzsaki's
``exp(-0.1 * (V + 35))`` is ``0.0302 * exp(-0.1 * V)`` in its derivative): those are distinct in the source
too. Run on its own: ``python -m benchmarks.repeated_calls``.
"""

from __future__ import annotations

import ast
import re
from collections import Counter

import bp_core as bp

FUNCTIONS = ("exp", "expm1", "log", "tanh", "cosh", "sinh", "sqrt", "power")
_IR_CALL = re.compile(r"call [^\n]*?@(?:llvm\.)?(" + "|".join(FUNCTIONS) + r")(?:\.f64)?\(")


def source_calls(code: str) -> tuple[Counter, Counter]:
    """Calls of ``np.<FUNCTIONS>`` in the ``update`` step of ``code``: all of them, and the distinct ones."""
    function = next(node for node in ast.walk(ast.parse(code))
                    if isinstance(node, ast.FunctionDef) and node.name.endswith("_update"))
    calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and node.func.attr in FUNCTIONS]
    distinct = {ast.unparse(node): node.func.attr for node in calls}
    # exprel(x) is expm1(x) / x: one call each in the compiled code
    exprels = sum(isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "exprel"
                  for node in ast.walk(function))
    everything = Counter(node.func.attr for node in calls) + Counter({"expm1": exprels})
    return everything, Counter(distinct.values()) + Counter({"expm1": exprels})


def compiled_calls(net: bp.Network) -> Counter:
    """Calls of ``FUNCTIONS`` in the optimised LLVM IR of the network's kernel (its steps are inlined in it)."""
    (kernel,) = net._kernels.values()  # no public name hands out the numba dispatcher
    (ir,) = kernel.dispatcher.inspect_llvm().values()
    return Counter(_IR_CALL.findall(ir))


def models() -> dict[str, bp.NeuType]:
    """The exponential-Euler models whose steps loop over elements one by one (one scalar copy of the body)."""
    return {"MorrisLecar": bp.models.get_MorrisLecar(method='exponential'),
            "HH": bp.models.get_HH(method='exponential'),
            "WangBuzsaki": bp.models.get_WangBuzsaki()}


def main() -> None:
    # a kernel read back from numba's cache has no IR to inspect
    bp.profile.set_numba_profile(cache=False)
    print(f"{'model':12s} {'function':8s} {'in source':>9s} {'distinct':>8s} {'compiled':>8s}")
    for name, model in models().items():
        net = bp.Network(bp.NeuGroup(model, 100))
        net.run(0.1)
        written, distinct = source_calls(net.code)
        compiled = compiled_calls(net)
        for function in sorted(set(written) | set(compiled)):
            print(f"{name:12s} {function:8s} {written[function]:9d} {distinct[function]:8d} {compiled[function]:8d}")


if __name__ == "__main__":
    main()
