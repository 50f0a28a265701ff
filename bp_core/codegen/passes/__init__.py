"""The passes a step function goes through, in order.

Each pass is a module of its own; its docstring says what it rewrites and why. Analyses
(``bp_core.codegen.analyses``) record facts on the tree without rewriting it. To add a pass,
write its module and put it in ``PIPELINE``; ``bp.tools.show_passes`` prints the step after
each one.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from bp_core.codegen.analyses import ELEMENT_LOCAL, RISKY_FIELDS
from bp_core.codegen.passes.bool_arithmetic import BOOL_ARITHMETIC
from bp_core.codegen.passes.bound_loops import BOUND_WHILE_LOOPS
from bp_core.codegen.passes.decay_at_events import DECAY_AT_EVENTS
from bp_core.codegen.passes.element_exits import ELEMENT_EXITS
from bp_core.codegen.passes.element_loop import ELEMENT_LOOP
from bp_core.codegen.passes.float_literals import FOLLOW_FLOAT_TYPE
from bp_core.codegen.passes.fold_finite import FOLD_FINITE
from bp_core.codegen.passes.follow_event_lists import FOLLOW_EVENT_LISTS
from bp_core.codegen.passes.follow_presynaptic_rows import FOLLOW_PRESYNAPTIC_ROWS
from bp_core.codegen.passes.fuse_elementwise import FUSE_ELEMENTWISE
from bp_core.codegen.passes.gather_loops import GATHER_LOOPS
from bp_core.codegen.passes.hoist import HOIST_FUSED, HOIST_INVARIANTS, HOIST_PER_SOURCE
from bp_core.codegen.passes.inline_integrators import INLINE_INTEGRATORS
from bp_core.codegen.passes.lower_idioms import LOWER_IDIOMS
from bp_core.codegen.passes.overlapping_updates import COPY_OVERLAPPING_UPDATES
from bp_core.codegen.passes.removable_singularities import REMOVABLE_SINGULARITIES
from bp_core.codegen.passes.rewrite_access import REWRITE_ACCESS
from bp_core.codegen.passes.select_branches import SELECT_BRANCHES
from bp_core.codegen.passes.simd_math import SIMD_MATH
from bp_core.codegen.passes.skip_quiet_blocks import SKIP_QUIET_BLOCKS
from bp_core.codegen.passes.split_event_branches import SPLIT_EVENT_BRANCHES
from bp_core.codegen.passes.split_loop import SPLIT_ELEMENT_LOOP
from bp_core.codegen.passes.stamp_decays import STAMP_DECAYS
from bp_core.codegen.passes.uniform_fields import READ_UNIFORM_FIELDS
from bp_core.codegen.passes.unpack_tuples import UNPACK_TUPLES
from bp_core.codegen.tree import Pass, StepTree, fill_origins

__all__ = ["PIPELINE", "Stage", "StepStages", "run_pipeline"]

PIPELINE: tuple[Pass, ...] = (
    UNPACK_TUPLES,  # first: every later pass sees one store per statement
    BOUND_WHILE_LOOPS,  # the user's own loops, before any pass adds loops of its own
    INLINE_INTEGRATORS,
    REMOVABLE_SINGULARITIES,  # after the integrators are inlined: their rate functions are in the step then
    SIMD_MATH,  # after both (their exp calls are in the step, the singularities' patterns found); before any pass
    # that only the compiled target runs (splitting, fusing), so that both targets take the same calls
    LOWER_IDIOMS,  # before state access is rewritten: it recognises ST['spike'] and pre2post[i]
    COPY_OVERLAPPING_UPDATES,  # likewise reads the user's ST[...]
    RISKY_FIELDS,  # likewise reads the user's ST[...] stores
    REWRITE_ACCESS,
    READ_UNIFORM_FIELDS,  # after REWRITE_ACCESS made the per-element reads; before hoisting, which moves its reads
    BOOL_ARITHMETIC,  # after REWRITE_ACCESS made // and % calls; before the passes that write flags of their own
    FOLLOW_EVENT_LISTS,  # before the block scan: a scan with a list to follow needs no blocks
    SKIP_QUIET_BLOCKS,
    HOIST_PER_SOURCE,
    HOIST_INVARIANTS,
    SELECT_BRANCHES,  # after hoisting: what it computes for every element is only the per-element work
    FOLLOW_FLOAT_TYPE,  # after hoisting, so the hoisted expressions get the float type too
    ELEMENT_EXITS,  # after the passes that make loops: a return inside one of theirs leaves it too
    ELEMENT_LOCAL,
    FOLD_FINITE,  # needs ELEMENT_LOCAL: a parallel loop checks its fields after the step instead
    GATHER_LOOPS,  # after the finite checks: it folds the check of an index_update into its loop
    FUSE_ELEMENTWISE,  # after the finite checks: folded into its loop they keep LLVM from vectorizing it
    HOIST_FUSED,
    ELEMENT_LOOP,
    SPLIT_ELEMENT_LOOP,  # after the loop is made: its leading arithmetic runs on SIMD lanes
    SPLIT_EVENT_BRANCHES,  # after the split, which leaves the rest's stores of loaded values to sink
    FOLLOW_PRESYNAPTIC_ROWS,  # after the split: its second loop may be all under the presynaptic test
    DECAY_AT_EVENTS,  # it needs the leading loop split off and the rest following spikes
    STAMP_DECAYS,  # last: the calls simd_math left are those one element at a time, wherever the passes put them
)
"""Every pass and analysis, in the order they run."""


@dataclass(frozen=True)
class Stage:
    """The step as one pass left it (``text``), or what an analysis found (``facts``)."""

    name: str
    text: str
    rewrites: bool


@dataclass(frozen=True)
class StepStages:
    """One step function through the pipeline: ``print`` it to read every stage.

    Attributes
    ----------
    title : str
        The step and the object it runs for.
    stages : list of Stage
        ``'source'`` first, then each pass that applied, then the generated function.
    """

    title: str
    stages: list[Stage]

    def stage(self, name: str) -> str:
        """The text after the stage called ``name``."""
        for stage in self.stages:
            if stage.name == name:
                return stage.text
        raise KeyError(f"no stage {name!r}; the stages are {[s.name for s in self.stages]}")

    def __str__(self) -> str:
        parts = [f"=== {self.title} ==="]
        previous = None
        for stage in self.stages:
            parts.append(f"--- {stage.name}{'' if stage.rewrites else ' (analysis)'} ---")
            parts.append("(unchanged)" if stage.rewrites and stage.text == previous else stage.text)
            if stage.rewrites:
                previous = stage.text
        return "\n".join(parts)


def run_pipeline(tree: StepTree, trace: bool = False) -> list[Stage]:
    """Run every pass of ``PIPELINE`` that applies to ``tree``; with ``trace``, return each stage."""
    stages = [Stage("source", _text(tree), True)] if trace else []
    for stage in PIPELINE:
        if not stage.applies(tree):
            continue
        stage.run(tree)
        for part in (tree.prelude, tree.body, tree.epilogue):
            fill_origins(part)
        if trace:
            stages.append(Stage(stage.name, _text(tree) if stage.rewrites else stage.describe(tree), stage.rewrites))
    return stages


def _text(tree: StepTree) -> str:
    statements = [ast.fix_missing_locations(s) for s in tree.statements()] or [ast.Pass()]
    return ast.unparse(ast.Module(body=statements, type_ignores=[]))

