from django.urls import path

from lotse.core.views import audit, start, users

app_name = "core"

urlpatterns = [
    path("", start.start, name="start"),
    path("weiter/", start.after_sign_in, name="after_sign_in"),
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/<int:pk>/", users.user_detail, name="user_detail"),
    path("users/<int:pk>/active/", users.user_set_active, name="user_set_active"),
    path("users/<int:pk>/password/", users.user_set_password, name="user_set_password"),
    path("users/<int:pk>/einladung/", users.user_resend_invitation, name="user_resend_invitation"),
    path("users/<int:pk>/second-factor/", users.user_reset_second_factor, name="user_reset_second_factor"),
    path("audit/history/", audit.history, name="history"),
    path("audit/access-log/", audit.access_log, name="access_log"),
]
