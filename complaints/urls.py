from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("complaints/", views.complaint_list_view, name="list"),
    path("complaints/new/", views.complaint_create_view, name="create"),
    path("complaints/<str:reference>/", views.complaint_detail_view, name="detail"),
    path(
        "complaints/<str:reference>/act/<slug:action>/",
        views.complaint_action_view,
        name="act",
    ),
    path(
        "complaints/<str:reference>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
