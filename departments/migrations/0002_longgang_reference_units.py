"""Create the federation's reference units: the district, its 6 departments and 11 streets."""

from django.db import migrations

from departments import reference


def create_units(apps, schema_editor):
    Unit = apps.get_model("departments", "Unit")
    district, _ = Unit.objects.get_or_create(
        name=reference.DISTRICT[0],
        defaults={"short_name": reference.DISTRICT[1], "kind": "district"},
    )
    for order, name in enumerate(reference.DEPARTMENTS):
        Unit.objects.get_or_create(
            name=name, defaults={"kind": "department", "parent": district, "sort_order": order}
        )
    for order, short in enumerate(reference.STREETS):
        Unit.objects.get_or_create(
            name=reference.street_full_name(short),
            defaults={"short_name": short, "kind": "street", "parent": district,
                      "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("departments", "0001_initial")]

    operations = [migrations.RunPython(create_units, migrations.RunPython.noop)]
