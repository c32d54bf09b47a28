"""The search page (inside the language prefix) and its API (outside it): see website/urls.py."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [path("search/", views.search_page, name="search")]

api_urlpatterns = [
    path("api/v1/search", views.api_search, name="search_api"),
    path("api/v1/search/suggest", views.api_suggest, name="search_suggest_api"),
]
