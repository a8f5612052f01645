"""Plan administration pages (administrators only): import, edit, publish, copy, compare."""

from django.urls import path

from planning.views import editing, hub, imports, rules, years

app_name = "planning"

urlpatterns = [
    path("plans/manage/", hub.plan_list, name="plan_list"),
    path("plans/import/", imports.import_upload, name="import_upload"),
    path("plans/import/confirm/", imports.import_confirm, name="import_confirm"),
    path("plans/import/template.xlsx", imports.import_template, name="import_template"),
    path("plans/<int:year>/copy/", years.plan_copy, name="plan_copy"),
    path("plans/compare/", years.plan_compare, name="plan_compare"),
    # 编辑工作要点 (planning.views.editing)
    path("plans/<int:year>/edit/", editing.plan_edit, name="plan_edit"),
    path("plans/<int:year>/publish/", editing.plan_publish, name="plan_publish"),
    path("plans/<int:year>/edit/sections/new/", editing.section_create, name="section_create"),
    path("plans/edit/sections/<int:pk>/", editing.section_edit, name="section_edit"),
    path("plans/edit/sections/<int:pk>/delete/", editing.section_delete, name="section_delete"),
    path("plans/edit/sections/<int:pk>/move/", editing.section_move, name="section_move"),
    path("plans/edit/sections/<int:pk>/tasks/new/", editing.task_create, name="task_create"),
    path("plans/edit/tasks/<int:pk>/", editing.task_edit, name="task_edit"),
    path("plans/edit/tasks/<int:pk>/delete/", editing.task_delete, name="task_delete"),
    path("plans/edit/tasks/<int:pk>/move/", editing.task_move, name="task_move"),
    path(
        "plans/edit/tasks/<int:pk>/indicators/new/",
        editing.indicator_create,
        name="indicator_create",
    ),
    path("plans/edit/indicators/<int:pk>/", editing.indicator_edit, name="indicator_edit"),
    path(
        "plans/edit/indicators/<int:pk>/delete/",
        editing.indicator_delete,
        name="indicator_delete",
    ),
    # 指标校验规则 (planning.views.rules)
    path("plans/<int:year>/rules/", rules.rule_list, name="rule_list"),
    path("plans/edit/indicators/<int:pk>/rules/new/", rules.rule_create, name="rule_create"),
    path("plans/edit/rules/<int:pk>/", rules.rule_edit, name="rule_edit"),
    path("plans/edit/rules/<int:pk>/delete/", rules.rule_delete, name="rule_delete"),
]
