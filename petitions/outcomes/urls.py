"""Public URLs of outcome emails."""

from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    # The token is signed and names only an outcome email's id: no address, nothing personal.
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
