"""Public protection routes (the consumer's report form and follow page), outside the language
prefixes like the trace pages they are reached from."""

from django.urls import path  # noqa: F401

app_name = "protection"

urlpatterns: list = []
