from django.urls import path

from . import api, views

app_name = "gi_registry"

urlpatterns = [
    path("gi/", views.gi_index, name="gi_index"),
    path("gi/<slug:slug>/", views.gi_detail, name="gi_detail"),
    path("producers/", views.producer_directory, name="producer_directory"),
    path("producers/<str:credit_code>/", views.producer_detail, name="producer_detail"),
    path("standards/", views.standard_library, name="standard_library"),
    path("standards/<slug:slug>/", views.standard_detail, name="standard_detail"),
]

# The open-data API, its schema and docs page: outside the language prefix (see website/urls.py).
# The schema and docs answer with and without a trailing slash (the API's URLs have none, the
# site's pages one).
api_urlpatterns = [
    *(path(f"api/v1/registry/{name}", view, name=f"registry_api_{name}") for name, view in api.REGISTRY_VIEWS.items()),
    path("api/v1/schema", api.SchemaView.as_view(), name="api_schema"),
    path("api/v1/schema/", api.SchemaView.as_view(), name="api_schema_slash"),
    path("api/v1/docs", api.DocsView.as_view(), name="api_docs"),
    path("api/v1/docs/", api.DocsView.as_view(), name="api_docs_slash"),
]
