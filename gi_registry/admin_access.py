"""Who may read Wagtail's own reports and the contact-form submissions.

- Site history (``/admin/reports/site-history/``, its results and its CSV/XLSX exports) lists
  every edit with the record's name and the editor's name: registry officers and superusers only.
  Wagtail shows it to anyone with a permission on a logged model, which is every producer account.
- The other reports (locked pages, aging pages, workflows, workflow tasks, page types usage) stay
  as Wagtail has them: they need a page permission, list pages the user may edit (and workflow
  states only of models the user may edit), which producer accounts do not have.
- Form submissions (visitors' names and phone numbers) are read by registry officers and
  superusers only; Wagtail gives them to anyone who may edit the form page, brand editors too.
"""

from wagtail import hooks
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.permission_policies import ModelPermissionPolicy

from .models import Producer
from .permissions import OFFICER_ACTION, is_officer

SITE_HISTORY_MENU_NAME = "site-history"

# Wagtail's report views check ``permission_policy``/``permission_required`` in dispatch
# (PermissionCheckedMixin); the site history view sets neither, so set them to the officers'
# permission. This covers the listing, its results view and both exports (the same view class).
LogEntriesView.permission_policy = ModelPermissionPolicy(Producer)
LogEntriesView.permission_required = OFFICER_ACTION


@hooks.register("construct_reports_menu")
def hide_site_history(request, menu_items):
    if not is_officer(request.user):
        menu_items[:] = [item for item in menu_items if item.name != SITE_HISTORY_MENU_NAME]


@hooks.register("filter_form_submissions_for_user")
def form_submissions_for_officers_only(user, editable_forms):
    return editable_forms if is_officer(user) else editable_forms.none()
