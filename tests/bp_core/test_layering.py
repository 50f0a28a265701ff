"""bp_core never imports widget libraries (DESIGN: the engine stands alone)."""

import subprocess
import sys

SCRIPT = """
import sys
import bp_core as bp

def decay(x, t):
    return -x

bp.integrate(decay, method="rk4")(1.0, 0.0)
print(sorted(m for m in ("ipywidgets", "bqplot", "traitlets", "anywidget") if m in sys.modules))
"""


def test_bp_core_imports_no_widget_library(tmp_path):
    script = tmp_path / "use_engine.py"
    script.write_text(SCRIPT)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
