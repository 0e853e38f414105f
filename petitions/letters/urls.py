"""Public URLs of letter-writing actions."""

app_name = "letters"
urlpatterns = []
