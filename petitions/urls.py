"""Public URLs of the petitions app (the petition pages themselves are served by Wagtail)."""

from django.urls import path

from plaidoyer.csrf import origin_checked

from . import views

app_name = "petitions"
urlpatterns = [
    # The form's target: the petition by id, without Wagtail's page routing on the hot path.
    # Posted from the (cached) petition page: its origin is checked instead of a CSRF token.
    path("sign/<int:page_id>/", origin_checked(views.sign), name="sign"),
    # The token is signed and names only a signature id: no email, nothing personal.
    path("confirm/<str:token>/", views.confirm, name="confirm"),
]
