"""Every snippet chooser's "create" view answers an empty post with a client error, never a 500.

Wagtail's chooser create view assumes a creation form; without one a post raised
``'NoneType' object has no attribute 'is_valid'``. The registry's choosers had the fix; this walks
every registered snippet model so a new one (the plan indicators were missed once) cannot regress.
"""

import pytest
from django.test import Client
from wagtail.snippets.models import get_snippet_models


@pytest.mark.django_db
def test_every_snippet_chooser_create_view_refuses_an_empty_post(superuser):
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    answers = {}
    for model in get_snippet_models():
        url = f"/admin/{model.snippet_viewset.get_chooser_admin_base_path()}/create/"
        answers[url] = client.post(url, {}).status_code
    assert len(answers) >= 7  # GIs, producers, authorisations, standards, batches, events, indicators…
    assert "/admin/snippets/choose/indicators/planindicator/create/" in answers
    assert "/admin/snippets/choose/gi_registry/batch/create/" in answers  # the trace app keeps its paths
    assert {url: status for url, status in answers.items() if status >= 500 or status == 404} == {}
