"""The organisation of the Longgang District Federation of Trade Unions, as the product ships it.

Plain data (no models) so that the data migration and the demo seeding share one source.
"""

DISTRICT = ("龙岗区总工会", "区总工会")

# The six departments (部室) that lead key tasks, in the federation's own order.
DEPARTMENTS: tuple[str, ...] = ("办公室", "宣教部", "权益部", "组建部", "组织部", "经审委")

# The 11 street unions of Longgang, each "XX街道总工会", in the district's usual order.
STREETS: tuple[str, ...] = (
    "平湖",
    "坂田",
    "布吉",
    "南湾",
    "吉华",
    "横岗",
    "园山",
    "龙岗",
    "宝龙",
    "龙城",
    "坪地",
)


def street_full_name(short: str) -> str:
    """ "平湖" → "平湖街道总工会"."""
    return f"{short}街道总工会"


# How a plan names groups of participating units (参与单位), and the unit kind each group means.
PARTICIPANT_GROUPS: dict[str, str] = {
    "各街道总工会": "street",
    "街道总工会": "street",
    "各街道": "street",
    "行业工会": "industry",
    "各行业工会": "industry",
    "区总各部室": "department",
    "各部室": "department",
    "社区工联会": "community",
    "各社区工联会": "community",
}
