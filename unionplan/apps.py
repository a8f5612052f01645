from django.apps import AppConfig


class UnionplanConfig(AppConfig):
    name = "unionplan"
    verbose_name = "龙岗区总工会重点工作推进系统"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from unionplan.idle import activity_started

        user_logged_in.connect(activity_started, dispatch_uid="unionplan.idle.login")
