"""Shared by the indicator tests: run the demo loader the way ``load_demo_data`` would."""

import io

from django.core.management.base import OutputWrapper

from indicators.demo import load_indicators
from website.management.commands.load_demo_data import Command


def load_demo() -> str:
    """Run ``load_indicators`` with a real ``load_demo_data`` command; return what it printed."""
    out = io.StringIO()
    command = Command()
    command.stdout = OutputWrapper(out)
    command.verbosity = 1
    command.outcomes = {}
    load_indicators(command)
    return out.getvalue()
