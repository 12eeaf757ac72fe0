from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("notifications/", views.notification_list_view, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all_view, name="read_all"),
    path("notifications/<int:pk>/open/", views.notification_open_view, name="open"),
    path("notifications/<int:pk>/reopen/", views.notification_reopen_view, name="reopen"),
    path("callbacks/", views.callback_list_view, name="callbacks"),
    path("callbacks/<int:pk>/", views.callback_detail_view, name="callback"),
    path("survey/<str:token>/", views.survey_view, name="survey"),
]
