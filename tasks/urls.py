from django.urls import path

from tasks import views

app_name = "tasks"

urlpatterns = [
    path("plans/<int:year>/", views.plan_overview, name="plan_overview"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
]
