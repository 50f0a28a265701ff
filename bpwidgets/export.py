"""Export of a run: spikes as CSV, every series as NPZ, and the code that runs it again with bp_core.

The pure functions return bytes or text, so a script or a test gets exactly what the browser saves;
:class:`ExportBar` puts them behind buttons.
"""

from __future__ import annotations

import io
import json
import keyword
from typing import Any, Callable, Iterable, Sequence

import ipywidgets as widgets
import numpy as np

import bp_core as bp
from bpwidgets.download import Downloader
from bpwidgets.text import error_html

__all__ = ["spikes_csv", "table_csv", "run_npz", "reproduction_code", "ExportBar"]


def spikes_csv(events: Any) -> bytes:
    """The spikes of ``events`` (``.index``, ``.time``) as CSV: a header, then ``neuron,time_ms`` per spike."""
    return table_csv(["neuron", "time_ms"], zip(np.asarray(events.index).tolist(), np.asarray(events.time).tolist()))


def table_csv(header: list[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows as CSV under ``header``; numbers written exactly (``repr``), booleans as 0/1, text as it is."""
    def cell(value: Any) -> str:
        if isinstance(value, (bool, np.bool_)):
            return str(int(value))
        if isinstance(value, (float, np.floating)):
            return repr(float(value))
        if isinstance(value, (int, np.integer)):
            return str(int(value))
        text = str(value)
        return f'"{text}"' if "," in text or '"' in text else text

    return ("\n".join([",".join(header)] + [",".join(cell(v) for v in row) for row in rows]) + "\n").encode()


def run_npz(parameters: dict, **series: np.ndarray) -> bytes:
    """Arrays of a run and its parameters (as JSON text under ``parameters``) in one NPZ file."""
    out = io.BytesIO()
    np.savez_compressed(out, parameters=np.array(json.dumps(parameters, sort_keys=True)),
                        **{k: np.asarray(v) for k, v in series.items()})
    return out.getvalue()


def _literal(value: Any) -> str:
    """Python source for a parameter or input value that reads back to the identical value."""
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, (int, np.integer)):
        return repr(int(value))
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if not np.isfinite(number):
            return f"float({str(number)!r})"
        return repr(number)
    if isinstance(value, str):
        return repr(value)
    raise bp.errors.ModelUseError(f"copy as code: a value of type {type(value).__name__} ({value!r:.60}) has no "
                                  f"exact literal; give scalar parameters and inputs.")


def reproduction_code(setup: str, parameters: dict[str, dict[str, Any]], inputs: list[tuple], duration: float,
                      seed: int, group: str) -> str:
    """A script that runs the same pass as an explorer with bp_core alone.

    Parameters
    ----------
    setup : str
        Code that builds the network and names its objects (``net, neu, syn = bp.models.gamma_network(100)``);
        the network must be called ``net``.
    parameters : dict
        Variable name -> {parameter -> value} set after the setup.
    inputs : list of tuple
        ``(variable name, key, value[, op])`` as given to ``net.run``.
    duration, seed :
        The pass's length (ms) and random seed.
    group : str
        Variable name of the group whose spikes the script prints.
    """
    lines = ['"""A run exported from a bpwidgets explorer: its spikes equal the explorer\'s, bit for bit."""',
             "import bp_core as bp", "", setup.strip()]
    for name, values in parameters.items():
        _check_name(name)
        lines += [f"{name}.pars[{key!r}] = {_literal(value)}" for key, value in values.items()]
    items = []
    for item in inputs:
        _check_name(item[0])
        items.append("(" + ", ".join([item[0], *(_literal(v) for v in item[1:])]) + ")")
    _check_name(group)
    lines += [f"net.reseed({int(seed)})",
              f"net.run({_literal(float(duration))}, inputs=[{', '.join(items)}])",
              f"spikes = {group}.mon.spike_events",
              'print(len(spikes), "spikes")', ""]
    return "\n".join(lines)


_SCRIPT_NAMES = frozenset({"bp", "net", "print", "len"})
"""Names the exported script itself uses: an object given one of them would overwrite or shadow it."""


def _check_name(name: str) -> None:
    if not (isinstance(name, str) and name.isidentifier()):
        problem = "is not a Python name"
    elif keyword.iskeyword(name):
        problem = "is a Python keyword"
    elif name in _SCRIPT_NAMES:
        problem = f"is a name the script itself uses ({', '.join(sorted(_SCRIPT_NAMES))})"
    else:
        return
    raise bp.errors.ModelUseError(f"copy as code: {name!r} {problem}; name every object of the explorer's network "
                                  f"in names= with the variable the setup code gives it (e.g. names={{syn: 'syn'}}).")


class ExportBar:
    """Buttons that save files through a :class:`Downloader`; a failing export shows its reason beside them.

    Parameters
    ----------
    actions : dict
        Button label -> (tooltip, function of the downloader that saves the files).
    """

    def __init__(self, actions: dict[str, tuple[str, Callable[[Downloader], None]]]):
        self.downloader = Downloader()
        self.message = widgets.HTML("")
        self.buttons = {}
        for label, (tooltip, action) in actions.items():
            button = widgets.Button(description=label, tooltip=tooltip, layout=widgets.Layout(width="64px"))
            button.on_click(lambda _, act=action: self._run(act))
            self.buttons[label] = button
        self.widget = widgets.HBox([widgets.HTML("<b>export</b>"), *self.buttons.values(), self.message,
                                    self.downloader], layout=widgets.Layout(flex_flow="row wrap"))

    def _run(self, action: Callable[[Downloader], None]) -> None:
        try:
            action(self.downloader)
            self.message.value = ""
        except bp.errors.ModelUseError as err:
            self.message.value = error_html(str(err).splitlines()[0])
