"""Shared by the indicator tests: run the indicators' demo step the way ``load_demo_data`` would."""

import io

from django.core.management.base import OutputWrapper

from core.demo import DemoRun
from indicators import demo


def load_demo() -> str:
    """Run the indicators' step of the demo loader (not their translation); return what it printed."""
    out = io.StringIO()
    run = DemoRun(OutputWrapper(out), OutputWrapper(io.StringIO()))
    demo.load(run)
    run.end_section()
    return out.getvalue()
