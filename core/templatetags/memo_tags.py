"""``{% memo %}``: an HTML fragment rendered once per content version (core/memo.py).

    {% load memo_tags %}
    {% memo "brand-page" page.pk %}…{% endmemo %}

Rendering a page's body (a StreamField, the dashboard's sixteen charts, a family's lists) costs
more than everything else of the request, yet it changes only when someone edits or publishes,
which bumps the content version. So the fragment between the tags is rendered once per content
version and kept in this process, keyed on its name, the values after it, the language and the
day (lists of valid authorisations and the like change at midnight, not only on a publish). It
replaces rendering those templates on every request: with the page cache off, a request for the
dashboard took 29 ms of CPU, a brand page 17, a family page 17, a GI page 15; now 5 to 9 (README,
"Render time").

Only what depends on nothing else may go inside: no CSRF token, form, query string, current
path, signed-in user or messages; and nothing inside may set a variable used after the tag (on a
hit the inside is not rendered at all). A preview, a draft or a revision is rendered afresh and
never kept (its page has the live page's id but other content), as is any request that is not a
GET or HEAD. ``website/tests/test_render_memo.py`` checks every public page against its plain
render (``memo.disabled()``).
"""

from __future__ import annotations

from django import template
from django.utils import timezone, translation

from core.memo import memoized

register = template.Library()


class MemoNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: template.FilterExpression, vary: list):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context) -> str:
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False) or request.method not in ("GET", "HEAD"):
            return self.nodelist.render(context)
        key = (
            "fragment",
            self.name.resolve(context),
            translation.get_language(),
            timezone.localdate(),
            *(value.resolve(context) for value in self.vary),
        )
        return memoized(key, lambda: self.nodelist.render(context))


@register.tag("memo")
def memo(parser, token) -> MemoNode:
    """``{% memo "name" value… %}…{% endmemo %}``: see the module's docstring."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError('{% memo %} needs a name: {% memo "name" page.pk %}')
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])
