"""A confirmed fake published as an announcement (公告): a DRAFT announcement page prefilled from
the case, which then goes through the site's normal page moderation (officers publish).

Nothing personal goes into it: no phone, no photo, no consent text, no description typed by the
consumer, no shop name or link, no internal note — only the product, the code found on the fake
box, the township or city, and the case's public outcome. The page type lives in ``website``
(above this app), so it is looked up by name, never imported.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import override

from .models import Case

ANNOUNCEMENT_PAGE = ("website", "AnnouncementPage")
ANNOUNCEMENT_INDEX = ("website", "AnnouncementIndexPage")


class AnnouncementError(ValueError):
    """Why no announcement can be drafted; the message is for the user."""


def can_announce(case: Case) -> bool:
    return (
        case.status == Case.Status.CLOSED
        and case.outcome == Case.Outcome.CONFIRMED_FAKE
        and case.announcement_id is None
        and not case.merged_into_id
    )


def announcement_index():
    """The Chinese (default-locale) announcement index page, or None."""
    from wagtail.models import Locale

    index_model = apps.get_model(*ANNOUNCEMENT_INDEX)
    return index_model.objects.filter(locale=Locale.get_default()).first() or index_model.objects.first()


def announcement_text(case: Case) -> dict[str, str]:
    """Title, intro and body (HTML) of the announcement, in the site's language (Chinese)."""
    with override(settings.LANGUAGE_CODE):
        product = str(case.product_family or _("agricultural products"))
        title = _("Notice on counterfeit %(product)s (case %(number)s)") % {"product": product, "number": case.number}
        intro = _(
            "Counterfeit %(product)s carrying a traceability code not issued by the registry were found%(where)s."
        ) % {
            "product": product,
            "where": (_(" in %(place)s") % {"place": case.place}) if case.place else "",
        }
        paragraphs = [intro]
        if case.code_text:
            paragraphs.append(
                _(
                    "The code printed on the counterfeit boxes: %(code)s. Genuine boxes carry codes that verify on this site."
                )
                % {"code": case.code_text}
            )
        if case.public_outcome:
            paragraphs.append(case.public_outcome)
        paragraphs.append(
            _(
                "Scan the code on the box before buying. If the page says the code is not registered, report it from that page or call 12315."
            )
        )
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return {"title": title[:255], "intro": intro[:250], "body": body}


def draft_announcement(case: Case, user):
    """Create the draft announcement under the announcement index, link it on the case; return the page."""
    if not can_announce(case):
        raise AnnouncementError(_("Only a closed case with the outcome “confirmed fake” can be announced, once."))
    index = announcement_index()
    if index is None:
        raise AnnouncementError(_("The site has no announcement index page to put the announcement under."))
    page_model = apps.get_model(*ANNOUNCEMENT_PAGE)
    text = announcement_text(case)
    page = page_model(
        title=text["title"],
        intro=text["intro"],
        body=text["body"],
        kind="notice",
        date=timezone.localdate(),
        live=False,
        owner=user,
        is_demo=case.is_demo,
    )
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    # submitted for review at once: the officers' approval step publishes it (or sends it back)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, user)
    case.announcement = page
    case.save(update_fields=["announcement"])
    return page
