"""factory_boy factories for tests that need data beyond the demo world."""

from __future__ import annotations

import datetime as dt

import factory

from departments.models import Role, Unit, UnitKind, User
from history.recording import Source, recording
from tasks.models import Indicator, IndicatorKind, KeyTask, PlanStatus, Section, TaskLead, WorkPlan


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.STREET


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.LEADER
    password = factory.PostGenerationMethodCall("set_password", "pw-12345")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # noqa: ANN001,ANN206
        if create:
            instance.save()


class WorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPlan

    year = factory.Sequence(lambda n: 2040 + n)
    title = factory.LazyAttribute(lambda o: f"{o.year}年工作要点")
    status = PlanStatus.ACTIVE


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(WorkPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    numeral = "一"
    title = factory.Sequence(lambda n: f"板块{n}")


class RecordedFactory(factory.django.DjangoModelFactory):
    """Audited models are written inside a recording scope, as the product's services do."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # noqa: ANN001,ANN206
        with recording(actor=None, source=Source.SYSTEM, verb="准备测试数据"):
            return super()._create(model_class, *args, **kwargs)


class KeyTaskFactory(RecordedFactory):
    class Meta:
        model = KeyTask
        skip_postgeneration_save = True

    section = factory.SubFactory(SectionFactory)
    plan = factory.SelfAttribute("section.plan")
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"重点工作{n}")
    description = factory.LazyAttribute(lambda o: f"{o.title}。具体内容。")
    due_date = factory.LazyAttribute(lambda o: dt.date(o.plan.year, 12, 31))

    @factory.post_generation
    def leads(self, create: bool, extracted: list[Unit] | None, **kwargs: object) -> None:
        for order, unit in enumerate(extracted or []):
            TaskLead.objects.create(task=self, unit=unit, order=order)


class IndicatorFactory(RecordedFactory):
    class Meta:
        model = Indicator

    task = factory.SubFactory(KeyTaskFactory)
    name = factory.Sequence(lambda n: f"指标{n}")
    kind = IndicatorKind.COUNT
    measure_unit = "场"
    target = 10
