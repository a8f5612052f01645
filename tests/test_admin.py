"""The Django admin: every registered model's list and add pages open for an administrator."""

from __future__ import annotations

import pytest
from django.contrib import admin


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label_lower)
def test_admin_list_and_add_pages_open_in_chinese(world, model):
    client = world.client("admin")
    opts = model._meta
    changelist = client.get(f"/admin/{opts.app_label}/{opts.model_name}/")
    assert changelist.status_code == 200
    assert str(opts.verbose_name_plural) in changelist.content.decode()
    add = client.get(f"/admin/{opts.app_label}/{opts.model_name}/add/")
    # The history is read-only even for administrators.
    assert add.status_code == (
        403
        if opts.label_lower
        in {
            "history.action",
            "history.event",
            "history.loginrecord",
            "history.loginlockout",
            "departments.apitoken",
            "notifications.webhookdelivery",
        }
        else 200
    )


def test_admin_refuses_a_staff_user_without_a_department(world):
    from departments.models import Unit

    street = Unit.objects.get(name="坂田街道总工会")
    response = world.client("admin").post(
        "/admin/departments/user/add/",
        {
            "username": "newstaff",
            "role": "staff",
            "unit": street.pk,
            "password1": "Xy9-long-pass",
            "password2": "Xy9-long-pass",
        },
    )
    assert response.status_code == 200
    assert "部室工作人员必须属于一个区总部室" in response.content.decode()
