"""Public URLs of a section's *Your data* page, under each of its languages."""

from django.urls import path

from . import views

app_name = "rights"
urlpatterns = [
    path("", views.rights_request, name="request"),
    path("sent/", views.request_sent, name="sent"),
    # The token is signed and names only the request's id: no email, nothing personal.
    path("<str:token>/", views.rights_link, name="link"),
]
