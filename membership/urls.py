"""Public URLs of joining (the join pages themselves are served by Wagtail)."""

from django.urls import path

from . import views

app_name = "membership"
urlpatterns = [
    # The token is signed and names only a membership id: no email, nothing personal.
    path("confirm/<str:token>/", views.confirm, name="confirm"),
]
