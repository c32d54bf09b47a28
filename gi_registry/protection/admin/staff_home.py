"""The enforcement staff's panel on the admin home: new cases, overdue ones (marked), due this week."""

from wagtail import hooks
from wagtail.admin.ui.components import Component

from ..digest import queue_summary
from ..permissions import can_handle_cases

SHOWN = 5


class CaseQueuePanel(Component):
    name = "protection_cases"
    order = 20  # near the top: deadlines are the law's
    template_name = "protection/admin/staff_panel.html"

    def get_context_data(self, parent_context=None):
        summary = queue_summary()
        return {"summary": summary, "shown": SHOWN}


@hooks.register("construct_homepage_panels")
def add_case_queue_panel(request, panels):
    if can_handle_cases(request.user):
        panels.append(CaseQueuePanel())
