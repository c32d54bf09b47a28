"""Demo data of the open interfaces: the change feeds show the demo registry's state.

Publishing the demo records (``gi_registry.demo``) and withdrawing the demo batch
(``gi_registry.trace.demo``) already record their changes as they happen; this step records,
once, what a database loaded before changes were recorded lacks (registered GIs, authorisations in
force, standards, the withdrawn batch, expiries). Changes of demo records carry ``"demo": true``
and the feeds mark them 示例数据. A second run records nothing.
"""

from core.demo import RECORDS, DemoRun, Outcome, Step

from .changes import record_current_state
from .models import RegistryChange


def load(run: DemoRun) -> None:
    done = record_current_state(demo_only=True)
    total = RegistryChange.objects.filter(payload__demo=True).count()
    created = [key for key, new in done if new]
    for position, key in enumerate(created, 1):
        run.record("registry changes", key, Outcome.CREATED, position, len(created))
    if not created:
        run.record("registry changes", "feed", Outcome.UNCHANGED, 1, 1)
    if run.verbosity > 1:
        run.stdout.write(f"  registry changes of demo records in the feeds: {total}")


DEMO_STEPS = [Step(RECORDS + 60, load)]
