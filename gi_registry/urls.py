from django.urls import path

from . import views

app_name = "gi_registry"

urlpatterns = [
    path("gi/", views.gi_index, name="gi_index"),
    path("gi/<slug:slug>/", views.gi_detail, name="gi_detail"),
    path("producers/", views.producer_directory, name="producer_directory"),
    path("producers/<str:credit_code>/", views.producer_detail, name="producer_detail"),
    path("standards/", views.standard_library, name="standard_library"),
    path("standards/<slug:slug>/", views.standard_detail, name="standard_detail"),
]
