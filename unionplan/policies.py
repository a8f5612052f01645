"""The one permission policy of unionplan: who may do what, used by pages and API alike.

Two shapes, after Wagtail's permission policies and Zulip's access helpers:
- ``can(user, action, obj)`` answers one question about one object;
- ``<things>_visible_to(user)`` returns the queryset a user may see, so that lists never contain
  anything their reader may not see;
- ``access_*`` fetch one object for a user or refuse (404 when they may not even see it, 403 when
  they may see it but not act on it).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any, TypeGuard, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from departments.models import Role, Unit, User
from history.models import Event, EventKind
from reports.models import (
    Attachment,
    EntryState,
    JobKind,
    ReportEntry,
    ReportingPeriod,
    ReportJob,
    UnitReport,
)
from tasks.models import (
    Indicator,
    Instruction,
    InstructionState,
    KeyTask,
    PlanStatus,
    Section,
    WorkPlan,
)

AnyUser = User | AnonymousUser

# Plans in these states are visible to everybody signed in; drafts only to administrators.
PUBLISHED_STATES = (PlanStatus.ACTIVE, PlanStatus.ARCHIVED)


def is_signed_in(user: AnyUser) -> TypeGuard[User]:
    """True for an authenticated, active account."""
    return bool(user.is_authenticated and user.is_active)


def unit_id_of(user: AnyUser) -> int:
    """The unit of a staff member or reporter (the user_staff_reporter_have_unit constraint)."""
    return cast(int, getattr(user, "unit_id", None))


def unit_of(user: User) -> Unit:
    """The unit of a staff member or reporter (the user_staff_reporter_have_unit constraint)."""
    return cast(Unit, user.unit)


def is_admin(user: AnyUser) -> bool:
    """True for system administrators (the admin role or a Django superuser)."""
    return is_signed_in(user) and (user.is_superuser or getattr(user, "role", None) == Role.ADMIN)


def is_leader(user: AnyUser) -> bool:
    """True for the federation's leaders (区总领导)."""
    return is_signed_in(user) and getattr(user, "role", None) == Role.LEADER


def is_staff_of(user: AnyUser, unit_ids: Collection[int | None]) -> bool:
    """True for department staff whose department is one of ``unit_ids``."""
    return (
        is_signed_in(user)
        and getattr(user, "role", None) == Role.STAFF
        and getattr(user, "unit_id", None) in unit_ids
    )


def is_reporter_of(user: AnyUser, unit_ids: Collection[int | None]) -> bool:
    """True for unit reporters whose unit is one of ``unit_ids``."""
    return (
        is_signed_in(user)
        and getattr(user, "role", None) == Role.REPORTER
        and getattr(user, "unit_id", None) in unit_ids
    )


# --- querysets: what a user may see -------------------------------------------------------


def plans_visible_to(user: AnyUser) -> QuerySet[WorkPlan]:
    """Plans the user may read: published ones, and drafts for administrators."""
    if not is_signed_in(user):
        return WorkPlan.objects.none()
    if is_admin(user):
        return WorkPlan.objects.all()
    return WorkPlan.objects.filter(status__in=PUBLISHED_STATES)


def sections_visible_to(user: AnyUser) -> QuerySet[Section]:
    """Sections of the plans the user may read."""
    return Section.objects.filter(plan__in=plans_visible_to(user))


def tasks_visible_to(user: AnyUser) -> QuerySet[KeyTask]:
    """Key tasks of the plans the user may read (every signed-in user reads the whole plan)."""
    return KeyTask.objects.filter(plan__in=plans_visible_to(user))


def indicators_visible_to(user: AnyUser) -> QuerySet[Indicator]:
    """Indicators of the tasks the user may read."""
    return Indicator.objects.filter(task__plan__in=plans_visible_to(user))


def periods_visible_to(user: AnyUser) -> QuerySet[ReportingPeriod]:
    """Reporting periods of the plans the user may read."""
    return ReportingPeriod.objects.filter(plan__in=plans_visible_to(user))


def instructions_visible_to(user: AnyUser) -> QuerySet[Instruction]:
    """Instructions on the tasks the user may read (the plan is open to all signed in)."""
    return Instruction.objects.filter(task__plan__in=plans_visible_to(user))


def reports_visible_to(user: AnyUser) -> QuerySet[UnitReport]:
    """Unit reports: a reporter sees their own unit's; staff those with entries on tasks their
    department leads that have been submitted; leaders and admins all."""
    if not is_signed_in(user):
        return UnitReport.objects.none()
    reports = UnitReport.objects.filter(period__plan__in=plans_visible_to(user))
    if is_admin(user) or is_leader(user):
        return reports
    role = getattr(user, "role", None)
    if role == Role.REPORTER:
        return reports.filter(unit_id=unit_id_of(user))
    if role == Role.STAFF:
        led = ReportEntry.objects.filter(task__leads__unit_id=unit_id_of(user)).exclude(
            state=EntryState.DRAFT
        )
        return reports.filter(pk__in=led.values("report_id"))
    return reports.none()


def report_ids_visible_to(
    user: AnyUser, plan: WorkPlan, *, shown: Iterable[UnitReport] | None = None
) -> set[int]:
    """The ids of a plan's reports the user may open: a grid links only these, so a draft nobody
    else may read yet shows its state without a link that would end in a 404. ``plan`` is one
    the user may read; ``shown``: the plan's reports the page has loaded, which leaders and
    administrators may all open (no query); for others one query."""
    if shown is not None and (is_admin(user) or is_leader(user)):
        return {report.pk for report in shown}
    return set(reports_visible_to(user).filter(period__plan=plan).values_list("pk", flat=True))


def entries_visible_to(user: AnyUser) -> QuerySet[ReportEntry]:
    """Entries: drafts only to their own unit (and admins); submitted ones to reviewers too."""
    entries = ReportEntry.objects.filter(report__in=reports_visible_to(user))
    if is_admin(user) or getattr(user, "role", None) == Role.REPORTER:
        return entries
    entries = entries.exclude(state=EntryState.DRAFT)
    if getattr(user, "role", None) == Role.STAFF:
        entries = entries.filter(task__leads__unit_id=unit_id_of(user))
    return entries


def attachments_visible_to(user: AnyUser) -> QuerySet[Attachment]:
    """Evidence files follow their entries."""
    return Attachment.objects.filter(entry__in=entries_visible_to(user))


def units_visible_to(user: AnyUser) -> QuerySet[Unit]:
    """Units of the federation: the organisation chart is open to every signed-in user."""
    if not is_signed_in(user):
        return Unit.objects.none()
    if is_admin(user):
        return Unit.objects.all()
    return Unit.objects.filter(is_active=True)


def jobs_visible_to(user: AnyUser) -> QuerySet[ReportJob]:
    """Document jobs: readers see every job of the plans they read (the year-end summary draft
    only those who may request it); a reporter only the unit workbooks (单位季度报表) of their
    own unit."""
    jobs = ReportJob.objects.filter(period__plan__in=plans_visible_to(user))
    if _is_reader(user):
        return jobs if _can_year_summary(user) else jobs.exclude(kind=JobKind.YEAR_SUMMARY)
    if is_signed_in(user) and getattr(user, "role", None) == Role.REPORTER:
        return jobs.filter(kind=JobKind.UNIT, unit_id=unit_id_of(user))
    return jobs.none()


def users_visible_to(user: AnyUser) -> QuerySet[User]:
    """People: administrators see everybody, everybody else only themselves."""
    if not is_signed_in(user):
        return User.objects.none()
    if is_admin(user):
        return User.objects.all()
    return User.objects.filter(pk=user.pk)


# --- single decisions ---------------------------------------------------------------------


def _task_lead_ids(task: KeyTask) -> set[int]:
    # Reads the prefetched leads when the caller prefetched them (no query per task).
    return {lead.unit_id for lead in task.leads.all()}


def _task_participant_ids(task: KeyTask) -> set[int]:
    return {p.unit_id for p in task.participants.all()}


def _plan_of(obj: Any) -> WorkPlan:
    if isinstance(obj, WorkPlan):
        return obj
    if isinstance(obj, Indicator | Instruction):
        return obj.task.plan
    plan: WorkPlan = obj.plan
    return plan


def _can_view_plan_part(user: AnyUser, obj: Any) -> bool:
    if not is_signed_in(user):
        return False
    return is_admin(user) or _plan_of(obj).status in PUBLISHED_STATES


def _can_update_progress(user: AnyUser, task: KeyTask) -> bool:
    if task.plan.status != PlanStatus.ACTIVE:
        return False
    return is_admin(user) or is_staff_of(user, _task_lead_ids(task))


def _can_instruct(user: AnyUser, task: KeyTask) -> bool:
    return task.plan.status == PlanStatus.ACTIVE and (is_leader(user) or is_admin(user))


def _can_report_on(user: AnyUser, task: KeyTask) -> bool:
    return task.plan.status == PlanStatus.ACTIVE and is_reporter_of(
        user, _task_participant_ids(task)
    )


def _can_answer(user: AnyUser, instruction: Instruction) -> bool:
    # Open or answered (an amended answer); a closed (办结) instruction takes nothing more.
    task = instruction.task
    if task.plan.status != PlanStatus.ACTIVE or instruction.state == InstructionState.CLOSED:
        return False
    return is_admin(user) or is_staff_of(user, _task_lead_ids(task))


def _can_follow_up_or_close(user: AnyUser, instruction: Instruction) -> bool:
    if instruction.state == InstructionState.CLOSED:
        return False
    return _can_instruct(user, instruction.task)


def _can_view_entry(user: AnyUser, entry: ReportEntry) -> bool:
    if not is_signed_in(user):
        return False
    unit_id = entry.report.unit_id
    if is_admin(user) or is_reporter_of(user, {unit_id}):
        return True
    if entry.state == EntryState.DRAFT:
        return False
    return is_leader(user) or is_staff_of(user, _task_lead_ids(entry.task))


def _can_view_report(user: AnyUser, report: UnitReport) -> bool:
    if is_admin(user) or is_leader(user) or is_reporter_of(user, {report.unit_id}):
        return True
    return reports_visible_to(user).filter(pk=report.pk).exists()


def _can_edit_entry(user: AnyUser, entry: ReportEntry) -> bool:
    return entry.report.period.plan.status == PlanStatus.ACTIVE and is_reporter_of(
        user, {entry.report.unit_id}
    )


def _can_review(user: AnyUser, entry: ReportEntry) -> bool:
    if entry.task.plan.status != PlanStatus.ACTIVE:
        return False
    return is_admin(user) or is_staff_of(user, _task_lead_ids(entry.task))


def _is_reader(user: AnyUser) -> bool:
    return is_admin(user) or is_leader(user) or getattr(user, "role", None) == Role.STAFF


def _is_unit_job_of_own_unit(user: AnyUser, job: ReportJob | None) -> bool:
    return job is not None and job.kind == JobKind.UNIT and is_reporter_of(user, {job.unit_id})


# The department that writes the federation's year-end summary (年度工作总结).
OFFICE_NAME = "办公室"


def is_office_staff(user: AnyUser) -> bool:
    """True for staff of 办公室 (the unit of that name among the departments)."""
    if not (is_signed_in(user) and getattr(user, "role", None) == Role.STAFF):
        return False
    unit = getattr(user, "unit", None)
    return unit is not None and OFFICE_NAME in (unit.name, unit.short_name)


def _can_year_summary(user: AnyUser, _obj: Any = None) -> bool:
    """年度工作总结初稿: administrators, leaders and 办公室 staff request, preview, download it."""
    return is_admin(user) or is_leader(user) or is_office_staff(user)


def _can_request_job(user: AnyUser, job: ReportJob | None) -> bool:
    # ``job`` is the request not yet saved (its kind and unit); None asks "may request any?".
    if not is_signed_in(user):
        return False
    if job is not None and job.kind == JobKind.YEAR_SUMMARY:
        return _can_year_summary(user)
    return _is_reader(user) or _is_unit_job_of_own_unit(user, job)


def _can_view_job(user: AnyUser, job: ReportJob | None) -> bool:
    # None asks whether the user has a jobs page at all: readers, and reporters for their unit's.
    if not is_signed_in(user):
        return False
    if job is not None and job.kind == JobKind.YEAR_SUMMARY:
        return _can_year_summary(user)
    if _is_reader(user):
        return True
    if job is None:
        return getattr(user, "role", None) == Role.REPORTER
    return _is_unit_job_of_own_unit(user, job)


def _can_view_unit(user: AnyUser, unit: Unit) -> bool:
    return is_admin(user) or (is_signed_in(user) and unit.is_active)


def _can_view_user(user: AnyUser, person: User) -> bool:
    return is_admin(user) or (is_signed_in(user) and person.pk == user.pk)


RULES: dict[str, Callable[[AnyUser, Any], bool]] = {
    "site.use": lambda user, _obj: is_signed_in(user),
    "site.admin": lambda user, _obj: is_admin(user),
    "plan.view": _can_view_plan_part,
    "plan.manage": lambda user, _obj: is_admin(user),
    "section.view": _can_view_plan_part,
    "task.view": _can_view_plan_part,
    "task.update_progress": _can_update_progress,
    "task.instruct": _can_instruct,
    "task.report": _can_report_on,
    "indicator.view": _can_view_plan_part,
    # 指标校验规则: set by administrators; everyone who sees a figure sees its warnings.
    "indicator.rules_manage": lambda user, _obj: is_admin(user),
    "instruction.view": _can_view_plan_part,
    "progress.view": lambda user, update: _can_view_plan_part(user, update.task),
    "instruction.answer": _can_answer,
    "instruction.follow_up": _can_follow_up_or_close,
    "instruction.close": _can_follow_up_or_close,
    "period.view": _can_view_plan_part,
    "period.reopen": lambda user, _period: is_admin(user),
    "unit.view": _can_view_unit,
    "report.view": _can_view_report,
    "report.edit_unit": lambda user, unit: is_reporter_of(user, {unit.pk}),
    "entry.view": _can_view_entry,
    "entry.edit": _can_edit_entry,
    "entry.review": _can_review,
    "attachment.view": lambda user, attachment: _can_view_entry(user, attachment.entry),
    "grid.view": lambda user, _obj: is_signed_in(user) and _is_reader(user),
    # 季度通报: for the leaders' meeting; readers (admins, leaders, department staff) ask for it.
    "briefing.request": lambda user, _obj: is_signed_in(user) and _is_reader(user),
    "job.request": _can_request_job,
    "job.view": _can_view_job,
    "year_summary.request": _can_year_summary,
    "notification.view": lambda user, n: is_signed_in(user) and n.user_id == user.pk,
    "reminder.send": lambda user, _unit: is_signed_in(user) and _is_reader(user),
    "review.list": lambda user, _obj: is_admin(user) or getattr(user, "role", None) == Role.STAFF,
    # 待办: what waits for a department (staff) or for every department (administrators).
    "todo.view": lambda user, _obj: is_admin(user) or is_staff_of(user, {unit_id_of(user)}),
    "user.view": _can_view_user,
    "user.manage": lambda user, _obj: is_admin(user),
}


def can(user: AnyUser, action: str, obj: Any = None) -> bool:
    """Answer whether ``user`` may perform ``action`` (e.g. "task.update_progress") on ``obj``."""
    try:
        rule = RULES[action]
    except KeyError:
        raise ValueError(f"unknown policy action {action!r}") from None
    return rule(user, obj)


def require(user: AnyUser, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied


def access_plan_by_year(user: AnyUser, year: int) -> WorkPlan:
    """Fetch the plan of ``year`` if the user may read it, else 404."""
    plan = plans_visible_to(user).filter(year=year).first()
    if plan is None:
        raise Http404("没有该年度的工作要点，或您无权查看。")
    return plan


def access_task_by_id(user: AnyUser, task_id: int) -> KeyTask:
    """Fetch a key task with its plan, leads and participants if the user may read it, else 404."""
    task = (
        tasks_visible_to(user)
        .select_related("plan", "section")
        .prefetch_related("leads", "participants")  # what the policy's decisions read
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise Http404("没有该项重点工作，或您无权查看。")
    return task


def access_instruction_by_id(user: AnyUser, instruction_id: int) -> Instruction:
    """Fetch an instruction with its task's leads if the user may read it, else 404."""
    instruction = (
        instructions_visible_to(user)
        .select_related("task__plan", "author", "answered_by")
        .prefetch_related("task__leads")
        .filter(pk=instruction_id)
        .first()
    )
    if instruction is None:
        raise Http404("没有该批示，或您无权查看。")
    return instruction


def is_staff_of_task(user: AnyUser, task: KeyTask) -> bool:
    """True for staff of one of the task's lead departments ("my department's tasks")."""
    return is_staff_of(user, _task_lead_ids(task))


def access_report_by_id(user: AnyUser, report_id: int) -> UnitReport:
    """Fetch a unit report the user may see, else 404 (never reveal another unit's report)."""
    report = (
        reports_visible_to(user).select_related("unit", "period__plan").filter(pk=report_id).first()
    )
    if report is None:
        raise Http404("没有该报表，或您无权查看。")
    return report


def access_entry_by_id(user: AnyUser, entry_id: int) -> ReportEntry:
    """Fetch an entry the user may see, with what the policy reads, else 404."""
    entry = (
        entries_visible_to(user)
        .select_related("report__unit", "report__period__plan", "task__plan")
        .prefetch_related("task__leads")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404("没有该条目，或您无权查看。")
    return entry


def access_attachment_by_id(user: AnyUser, attachment_id: int) -> Attachment:
    """Fetch an evidence file the user may see, else 404."""
    attachment = (
        attachments_visible_to(user)
        .select_related("entry__report__unit", "entry__report__period__plan", "entry__task__plan")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise Http404("没有该文件，或您无权查看。")
    return attachment


def _first_submission_event_pk(report: UnitReport) -> int | None:
    # The first event that moved an entry of the report to 待审核: everything recorded before it
    # (the unit's drafts) belongs to the unit alone. Events are compared by pk, not by time,
    # because drafts and the submission can share a timestamp (imports, the backdated demo).
    if report.submitted_at is None:
        return None
    state_label = str(ReportEntry._meta.get_field("state").verbose_name)
    submitted_label = str(EntryState.SUBMITTED.label)
    candidates = (
        Event.objects.filter(
            report=report,
            object_type=ReportEntry._meta.label_lower,
            kind=EventKind.UPDATE,
            created_at__gte=report.submitted_at,
        )
        .order_by("pk")
        .values_list("pk", "changes")[:1000]
    )
    for pk, changes in candidates:
        if any(c[0] == state_label and c[-1] == submitted_label for c in changes or []):
            return pk
    return None


def report_events_visible_to(user: AnyUser, report: UnitReport) -> QuerySet[Event]:
    """History of a report its reader may see: the unit and admins all of it; leaders what
    happened from its first submission on; staff that part for the tasks their department
    leads (and the report's own submission record)."""
    events = Event.objects.filter(report=report)
    if is_admin(user) or is_reporter_of(user, {report.unit_id}):
        return events
    is_staff = is_signed_in(user) and getattr(user, "role", None) == Role.STAFF
    if not (is_leader(user) or is_staff) or report.submitted_at is None:
        return events.none()
    boundary = _first_submission_event_pk(report)
    if boundary is not None:
        events = events.filter(pk__gte=boundary)
    else:
        events = events.filter(created_at__gt=report.submitted_at)
    if is_staff:
        led = KeyTask.objects.filter(leads__unit_id=unit_id_of(user)).values("pk")
        events = events.filter(Q(task__isnull=True) | Q(task_id__in=led))
    return events
