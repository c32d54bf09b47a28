from wagtail import hooks

from .admin_views import RegistryPageViewSet


@hooks.register("register_admin_viewset")
def register_page_viewset():
    return RegistryPageViewSet()
