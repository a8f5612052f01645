from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("reports/jobs/", views.job_list, name="job_list"),
    path("reports/jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("reports/jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("reports/jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path(
        "exports/year-summary/<int:year>/preview/",
        views.year_summary_preview,
        name="year_summary_preview",
    ),
    path("reports/grid/export/", views.grid_export, name="grid_export"),
    path("reviews/export/", views.review_export, name="review_export"),
    path("instructions/export/", views.instruction_export, name="instruction_export"),
]
