"""Public protection routes (the consumer's report form, the page after sending and the follow
page), outside the language prefixes like the trace pages they are reached from; ``en/…`` is the
English page, as ``/en/t/<code>`` is for the trace page. The follow link carries a signed token
(``Case.follow_token``), never a guessable id."""

from django.urls import path

from . import views

app_name = "protection"

urlpatterns = [
    path("report/", views.report_form, name="report"),
    path("en/report/", views.report_form, name="report_en"),
    path("report/sent/<str:token>", views.report_sent, name="sent"),
    path("en/report/sent/<str:token>", views.report_sent, name="sent_en"),
    path("report/f/<str:token>", views.follow, name="follow"),
    path("en/report/f/<str:token>", views.follow, name="follow_en"),
]
