"""URL routes of unionplan. Every route needs a row in tests/test_policies.py's matrix."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from dashboard.api import DashboardSummaryView
from departments.api import PersonViewSet, UnitViewSet
from departments.views import PasswordChangeDoneView, PasswordChangeView
from exports.api import ReportJobViewSet
from notifications.api import NotificationViewSet
from reports.api import (
    AttachmentViewSet,
    ReportEntryViewSet,
    ReportingPeriodViewSet,
    SubmissionGridView,
    UnitReportViewSet,
)
from tasks import views as task_views
from tasks.api import (
    IndicatorViewSet,
    InstructionViewSet,
    KeyTaskViewSet,
    ProgressUpdateViewSet,
    SectionViewSet,
    WorkPlanViewSet,
)
from unionplan import apidocs
from unionplan.guide import guide
from unionplan.views import (
    LoginView,
    bad_request,
    healthz,
    keepalive,
    page_not_found,
    server_error,
)

admin.site.site_header = "龙岗区总工会重点工作推进系统 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "数据管理"

handler400 = bad_request
handler404 = page_not_found
handler500 = server_error

router = DefaultRouter()
router.register("plans", WorkPlanViewSet, basename="plan")
router.register("sections", SectionViewSet, basename="section")
router.register("tasks", KeyTaskViewSet, basename="task")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("units", UnitViewSet, basename="unit")
router.register("periods", ReportingPeriodViewSet, basename="period")
router.register("progress-updates", ProgressUpdateViewSet, basename="progress-update")
router.register("instructions", InstructionViewSet, basename="instruction")
router.register("reports", UnitReportViewSet, basename="report")
router.register("entries", ReportEntryViewSet, basename="entry")
router.register("attachments", AttachmentViewSet, basename="attachment")
router.register("report-jobs", ReportJobViewSet, basename="report-job")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("people", PersonViewSet, basename="person")

urlpatterns = [
    path("", task_views.home, name="home"),
    path("", include("tasks.urls")),
    path("", include("planning.urls")),
    path("", include("reports.urls")),
    path("", include("exports.urls")),
    path("", include("notifications.urls")),
    path("", include("dashboard.urls")),
    path("", include("departments.urls")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/keepalive/", keepalive, name="keepalive"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("healthz", healthz, name="healthz"),
    path("help/", guide, name="guide"),
    path("admin/", admin.site.urls),
    path("api/v1/submission-grid/", SubmissionGridView.as_view(), name="submission-grid"),
    path("api/v1/dashboard/", DashboardSummaryView.as_view(), name="dashboard-summary"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Served under the documentation's Content-Security-Policy (unionplan.apidocs).
    path("api/docs/", apidocs.swagger_view, name="api-docs"),
    path("api/redoc/", apidocs.redoc_view, name="api-redoc"),
    path("api/redoc/redoc.standalone.js", apidocs.redoc_script, name="api-redoc-script"),
]
