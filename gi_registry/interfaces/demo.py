"""Demo data of the open interfaces: the change feeds show the demo registry's state.

Publishing the demo records (``gi_registry.demo``) and withdrawing the demo batch
(``gi_registry.trace.demo``) already record their changes as they happen; this step records,
once, what a database loaded before changes were recorded lacks (registered GIs, authorisations in
force, standards, the withdrawn batch, expiries). Changes of demo records carry ``"demo": true``
and the feeds mark them 示例数据. A second run records nothing.
"""

from core.demo import RECORDS, DemoRun, Step

from .changes import record_current_state
from .models import RegistryChange


def load(run: DemoRun) -> None:
    """Record what is missing and say how many demo changes the feeds hold. The changes are not
    counted as demo records (``run.record``): they are a consequence of the records, and an expiry
    depends on the day the loader runs, not on the demo data."""
    created = sum(1 for _key, new in record_current_state(demo_only=True) if new)
    if run.verbosity:
        total = RegistryChange.objects.filter(payload__demo=True).count()
        run.end_section()
        run.stdout.write(f"  registry changes (feeds): {total} of demo records, {created} recorded now")


DEMO_STEPS = [Step(RECORDS + 60, load)]
