from django.urls import path

from departments import views

app_name = "account"

urlpatterns = [
    path("account/tokens/", views.token_list, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
]
