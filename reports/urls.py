from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("weekly/", views.WeeklyReportView.as_view(), name="weekly"),
    path("weekly.csv", views.WeeklyReportCsvView.as_view(), name="weekly_csv"),
]
