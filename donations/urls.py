"""Public URLs of the donations app."""

app_name = "donations"
urlpatterns = []
