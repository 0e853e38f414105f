"""Machine endpoints of the donations app, outside the language prefix: Stripe's webhooks, one per section."""

from django.urls import path

from . import views

app_name = "donations"
urlpatterns = [
    path("webhooks/<slug:code>/", views.webhook, name="webhook"),
]
