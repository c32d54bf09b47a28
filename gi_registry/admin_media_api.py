"""The admin API's image and document endpoints, narrowed to what the user may choose.

Wagtail registers ``/admin/api/main/images/`` and ``/admin/api/main/documents/`` for every admin
user and lists every image and document there (``ImagesAdminAPIViewSet`` only hides collections
restricted for *public* viewing), which walks around the per-collection permissions of
``media_collections.py``: a producer account could read another producer's photo titles and files
there. The same endpoints are registered again here (a later ``construct_admin_api`` hook
replaces the router's entry) with the queryset of the model's permission policy for "choose", as
the choosers use; ``gi_registry/tests/test_admin_isolation.py`` walks them as each group.
"""

from rest_framework.authentication import SessionAuthentication
from wagtail import hooks
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.permissions import policy_registry


class ChoosableMixin:
    # the admin's session: the project's REST framework settings authenticate nobody (the open
    # data needs no login), which would make every admin user anonymous here
    authentication_classes = [SessionAuthentication]

    def get_queryset(self):
        user = self.request.user
        choosable = policy_registry.get_by_type(self.model).instances_user_has_any_permission_for(user, ["choose"])
        return super().get_queryset().filter(pk__in=choosable.values("pk"))


class ChoosableImagesAdminAPIViewSet(ChoosableMixin, ImagesAdminAPIViewSet):
    pass


class ChoosableDocumentsAdminAPIViewSet(ChoosableMixin, DocumentsAdminAPIViewSet):
    pass


@hooks.register("construct_admin_api", order=100)  # after Wagtail's own registrations
def narrow_media_endpoints(router) -> None:
    router.register_endpoint("images", ChoosableImagesAdminAPIViewSet)
    router.register_endpoint("documents", ChoosableDocumentsAdminAPIViewSet)
