"""Malformed admin form posts answer 400, not 500.

Wagtail's form widgets read the fields they rendered straight from ``request.POST``: a StreamField
reads ``<name>-count`` (``StreamBlock.value_from_datadict``), a ListBlock its own count, and a post
without them raises ``MultiValueDictKeyError`` from deep inside ``form.is_valid()``. A browser
posting the admin's own form always sends them, so such a post is malformed (a script, a
truncated request): the client's fault, answered 400 with a message, never a server error.
"""

import logging

from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.datastructures import MultiValueDictKeyError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class MalformedAdminPostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.method != "POST" or not isinstance(exception, MultiValueDictKeyError):
            return None
        if not request.path.startswith(reverse("wagtailadmin_home")):
            return None
        logger.warning("Malformed admin post to %s: missing field %s", request.path, exception)
        return HttpResponseBadRequest(
            _("The form was sent incomplete (missing field %(field)s). Reload the page and try again.")
            % {"field": str(exception)},
            content_type="text/plain; charset=utf-8",
        )
