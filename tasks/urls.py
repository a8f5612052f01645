from django.urls import path

from tasks import views

app_name = "tasks"

urlpatterns = [
    path("plans/", views.plan_current, name="plan_current"),
    path("plans/<int:year>/", views.plan_overview, name="plan_overview"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task_progress"),
    path("tasks/<int:pk>/instructions/", views.instruction_create, name="instruction_create"),
    path("tasks/<int:pk>/occurrences/", views.occurrence_record, name="occurrence_record"),
    path("occurrences/<int:pk>/delete/", views.occurrence_delete, name="occurrence_delete"),
    path("occurrences/<int:pk>/evidence/", views.occurrence_evidence, name="occurrence_evidence"),
    path("instructions/", views.instruction_list, name="instruction_list"),
    path("instructions/<int:pk>/answer/", views.instruction_answer, name="instruction_answer"),
    path(
        "instructions/<int:pk>/follow-up/",
        views.instruction_follow_up,
        name="instruction_follow_up",
    ),
    path("instructions/<int:pk>/close/", views.instruction_close, name="instruction_close"),
]
