"""Public URLs of the petitions app."""

app_name = "petitions"
urlpatterns = []
