"""Machine endpoints of the donations app, outside the language prefix: Stripe's webhooks and PayGate's notifications, one per section."""

from django.urls import path

from . import mobile_money, views

app_name = "donations"
urlpatterns = [
    path("webhooks/<slug:code>/", views.webhook, name="webhook"),
    # PayGate Global's notifications (mobile money, Togo): re-verified with its status API.
    path("mobile-money/<slug:code>/", mobile_money.notification, name="mobile_money_notification"),
]
