"""``manage.py load_demo_data``: load every app's demo data, idempotently (``core.demo``).

Each app's ``demo`` module holds its data and its steps: the registry's GIs, producers,
authorisations, standards and demo accounts (``gi_registry.demo``), the brand pages
(``brands.demo``), the plan indicators and their dashboard (``indicators.demo``), and the site's
own pages, navigation and Site record (``website.demo``). A record that already matches the data is
not touched: running the command twice creates no rows, no revisions and no log entries. It prints
one line per section and ends with ``Demo data: N created, N updated, N unchanged`` (with
``-v 2``, one line per app before it).

Demo accounts (``admin``, ``officer``, ``editor``, ``producer``) are created too unless
``DEMO_USERS=0``; their password is ``$DEMO_PASSWORD`` or ``liangping-demo``. Accounts that already
exist are left as they are (password, flags and groups). This command is for demo and
development machines only — never run it against a production registry.

Wagtail keeps the search index and the reference index up to date on every save, so the
command does not run ``update_index`` or ``rebuild_references_index`` afterwards.
"""

from django.core.management.base import BaseCommand

from core.demo import Outcome, load_demo_data


class Command(BaseCommand):
    help = (
        "Load the demo GIs, producers, authorisations, standards, home page text, brand pages and demo accounts "
        "(idempotent)."
    )

    def handle(self, *args, **options):
        run = load_demo_data(self.stdout, self.stderr, options["verbosity"])
        counts = run.counts()
        if options["verbosity"]:
            self.stdout.write(
                f"Demo data: {counts[Outcome.CREATED]} created, {counts[Outcome.UPDATED]} updated, "
                f"{counts[Outcome.UNCHANGED]} unchanged"
            )
