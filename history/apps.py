from django.apps import AppConfig


class HistoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "history"
    verbose_name = "全程留痕"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from history.logins import lockout_recorded, login_failure_recorded, login_recorded

        user_logged_in.connect(login_recorded, dispatch_uid="history.login")
        user_login_failed.connect(login_failure_recorded, dispatch_uid="history.login_failed")
        user_locked_out.connect(lockout_recorded, dispatch_uid="history.locked_out")
