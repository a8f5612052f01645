from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.workspace, name="workspace"),
    path("reports/grid/", views.grid, name="grid"),
    path("reports/remind/", views.remind, name="remind"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/check/", views.report_check, name="report_check"),
    path("reports/entries/<int:pk>/", views.entry_save, name="entry_save"),
    path("reports/entries/<int:pk>/review/", views.entry_review, name="entry_review"),
    path(
        "reports/entries/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"
    ),
    path("reports/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("reports/attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/batch/", views.review_batch, name="review_batch"),
    path("reviews/reports/<int:pk>/", views.review_report, name="review_report"),
]
