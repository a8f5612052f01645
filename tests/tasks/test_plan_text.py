"""Tests for the pure plan text parser (no Django needed)."""

import dataclasses
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

from tasks.plan_text import (
    STREET_COUNT,
    ParsedIndicator,
    ParsedPlan,
    PlanParseError,
    parse_plan_text,
)

PLAN_PATH = Path(__file__).resolve().parents[2] / "tasks" / "plans" / "longgang-2024-work-plan.txt"

LEAD = "（牵头部室：办公室，参与单位：区总各部室）"


@pytest.fixture(scope="module")
def plan_text() -> str:
    """Return the real published 2024 plan text."""
    return PLAN_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan(plan_text: str) -> ParsedPlan:
    """Return the parsed real 2024 plan."""
    return parse_plan_text(plan_text)


def mini_plan(*body: str) -> str:
    """Return a small plan text with a title, a framework paragraph and the given body lines."""
    return "\n".join(["测试区总工会 2025 年工作要点", "", "按照“12”工作思路开展工作。", "", *body])


def task_with(description: str, number: int = 1) -> str:
    """Return a one-task plan whose only task has the given description."""
    return mini_plan("一、测试部分", f"{number}.{description}{LEAD}")


def indicators_of(description: str) -> tuple[ParsedIndicator, ...]:
    """Return the indicators parsed from a single task description."""
    return parse_plan_text(task_with(description)).tasks[0].indicators


def parse_error(text: str) -> PlanParseError:
    """Return the PlanParseError raised when parsing text."""
    with pytest.raises(PlanParseError) as info:
        parse_plan_text(text)
    return info.value


# --------------------------------------------------------------------------- real 2024 plan


def test_title_is_first_line_with_spaces_between_cjk_and_digits_removed(plan: ParsedPlan) -> None:
    assert plan.title == "龙岗区总工会2024年工作思路及要点"


def test_framework_is_the_quoted_digits_before_work_approach(plan: ParsedPlan) -> None:
    assert plan.framework == "123430"


def test_preamble_paragraphs_are_kept_in_order_including_meaning_lines(plan: ParsedPlan) -> None:
    assert len(plan.paragraphs) == 6
    assert plan.paragraphs[0].startswith("2024 年是新中国成立 75 周年")
    assert "按照“123430”工作思路" in plan.paragraphs[0]
    assert "“1”是指一个目标：争当深圳建设中国特色社会主义先行示范工会排头兵。" in plan.paragraphs
    assert plan.paragraphs[-1] == "“30”是指三十项重点工作。"
    assert plan.title not in plan.paragraphs


def test_sections_have_numbers_numerals_titles_and_lines(plan: ParsedPlan) -> None:
    assert [(s.number, s.numeral, s.line) for s in plan.sections] == [
        (1, "一", 17),
        (2, "二", 27),
        (3, "三", 39),
        (4, "四", 57),
        (5, "五", 75),
    ]
    assert [s.title for s in plan.sections] == [
        "强化职工思想政治引领，调动激发广大职工群众投身高质量发展热情的热情",
        "紧紧围绕区委中心工作，组织动员广大职工在高质量发展中建功立业",
        "认真履行工会维权服务基本职责，在推动实现广大职工共享高质量发展成果上展现新作为",
        "持续深化改革和建设，推动新时代新征程工会工作高质量发展",
        "全面加强自身建设，不断提升工会组织感知力、响应力、影响力、凝聚力",
    ]


def test_thirty_tasks_are_numbered_consecutively_in_the_right_sections(plan: ParsedPlan) -> None:
    assert [t.number for t in plan.tasks] == list(range(1, 31))
    assert [[t.number for t in s.tasks] for s in plan.sections] == [
        list(range(1, 5)),
        list(range(5, 9)),
        list(range(9, 16)),
        list(range(16, 23)),
        list(range(23, 31)),
    ]


def test_task_lines_point_at_the_numbered_line(plan: ParsedPlan, plan_text: str) -> None:
    lines = plan_text.split("\n")
    for task in plan.tasks:
        assert lines[task.line - 1].startswith(f"{task.number}.")


EXPECTED_LEADS = {
    1: ("宣教部",),
    2: ("宣教部", "权益部"),
    3: ("宣教部",),
    4: ("宣教部",),
    5: ("宣教部",),
    6: ("宣教部",),
    7: ("权益部",),
    8: ("权益部",),
    9: ("权益部",),
    10: ("权益部",),
    11: ("权益部",),
    12: ("权益部",),
    13: ("宣教部",),
    14: ("办公室", "宣教部", "权益部"),
    15: ("权益部", "宣教部"),
    16: ("办公室",),
    17: ("办公室", "组建部"),
    18: ("组建部",),
    19: ("组建部",),
    20: ("组建部",),
    21: ("组建部",),
    22: ("组建部",),
    23: ("办公室",),
    24: ("办公室",),
    25: ("办公室",),
    26: ("经审委",),
    27: ("办公室",),
    28: ("办公室", "组织部"),
    29: ("组织部",),
    30: ("组织部",),
}

ALL_THREE = ("各街道总工会", "行业工会", "区总各部室")
STREETS_AND_INDUSTRY = ("各街道总工会", "行业工会")
STREETS = ("各街道总工会",)
EXPECTED_PARTICIPANTS = {
    1: ALL_THREE,
    2: STREETS_AND_INDUSTRY,
    3: ALL_THREE,
    4: STREETS_AND_INDUSTRY,
    5: STREETS_AND_INDUSTRY,
    6: STREETS_AND_INDUSTRY,
    7: STREETS,
    8: STREETS_AND_INDUSTRY,
    9: STREETS_AND_INDUSTRY,
    10: STREETS_AND_INDUSTRY,
    11: STREETS_AND_INDUSTRY,
    12: STREETS_AND_INDUSTRY,
    13: STREETS_AND_INDUSTRY,
    14: STREETS_AND_INDUSTRY,
    15: STREETS_AND_INDUSTRY,
    16: ("各街道总工会", "区总各部室"),
    17: ALL_THREE,
    18: STREETS,
    19: STREETS_AND_INDUSTRY,
    20: STREETS,
    21: STREETS,
    22: STREETS_AND_INDUSTRY,
    23: ALL_THREE,
    24: ("区总各部室",),
    25: ALL_THREE,
    26: STREETS_AND_INDUSTRY,
    27: STREETS_AND_INDUSTRY,
    28: STREETS_AND_INDUSTRY,
    29: STREETS_AND_INDUSTRY,
    30: STREETS_AND_INDUSTRY,
}


def test_leads_of_every_task_are_parsed_in_order(plan: ParsedPlan) -> None:
    assert {t.number: t.lead_names for t in plan.tasks} == EXPECTED_LEADS


def test_participants_of_every_task_are_split_on_enumeration_commas(plan: ParsedPlan) -> None:
    assert {t.number: t.participant_names for t in plan.tasks} == EXPECTED_PARTICIPANTS
    for task in plan.tasks:
        assert task.participants_text == "、".join(task.participant_names)


def test_page_break_inside_a_word_is_joined_without_space(plan: ParsedPlan) -> None:
    task = plan.tasks[4]
    assert "“一芯两核多支点”发展战略" in task.description
    assert "2024行动" in task.description


def test_lead_parenthetical_split_by_page_break_still_parses(plan: ParsedPlan) -> None:
    task9, task18 = plan.tasks[8], plan.tasks[17]
    assert task9.lead_names == ("权益部",)
    assert task9.participants_text == "各街道总工会、行业工会"
    assert task9.description.endswith("劳资纠纷事件快速反应处置。")
    assert task18.lead_names == ("组建部",)
    assert task18.participants_text == "各街道总工会"
    assert task18.description.endswith("找差距、找不足、促提升。")


def test_page_break_in_last_sentence_before_lead_is_joined(plan: ParsedPlan) -> None:
    assert "内控制度，压紧压实" in plan.tasks[22].description


def test_description_drops_number_prefix_and_lead_parenthetical(plan: ParsedPlan) -> None:
    task = plan.tasks[0]
    assert task.description == (
        "坚持以党的创新理论武装职工。采取理论宣讲、劳模工匠宣讲、演讲比赛等形式，"
        "推动习近平新时代中国特色社会主义思想、中国工会十八大精神进企业、进车间、进班组。"
    )
    for task in plan.tasks:
        assert "牵头部室" not in task.description
        assert not task.description.startswith(str(task.number))


def test_task_title_is_text_before_first_full_stop(plan: ParsedPlan) -> None:
    assert plan.tasks[0].title == "坚持以党的创新理论武装职工"
    assert plan.tasks[9].title == "扩大工会法律服务覆盖面"
    assert plan.tasks[29].title == "打造工会干部荣誉体系"
    for task in plan.tasks:
        assert "。" not in task.title
        assert task.description.startswith(task.title + "。")


# (key noun contained in name, kind, unit, comparator, target, per-street target)
Golden = tuple[str, str, str, str, str, str | None]
EXPECTED_INDICATORS: dict[int, list[Golden]] = {
    2: [("进校园宣讲活动", "count", "场", "eq", "70", None)],
    6: [("职工技能大练兵系列活动", "count", "场", "eq", "3", None)],
    7: [
        ("劳模和工匠人才创新工作室", "count", "个", "eq", "140", None),
        ("区级示范性工作室", "count", "个", "eq", "24", None),
        ("劳模服务活动", "count", "场", "eq", "100", None),
    ],
    10: [
        ("法律服务示范培育点", "count", "个", "eq", "3", None),
        ("法律顾问", "count", "家", "eq", "55", None),
        ("律师驻点", "count", "个", "gte", "22", None),
        ("法律服务活动", "count", "场", "gte", "100", None),
    ],
    11: [
        ("集体协商建制率", "rate", "%", "gte", "90", None),
        ("集体合同签订率", "rate", "%", "gte", "85", None),
        ("劳资沟通协商和集体协商典型培育", "count", "个", "eq", "33", None),
        ("劳资沟通协商机制建制率", "rate", "%", "gte", "85", None),
        ("劳资沟通协商队伍", "count", "人", "eq", "500", None),
        ("集体协商指导员培训", "count", "场", "eq", "1", None),
        ("劳资沟通专项业务培训", "count", "场", "eq", "11", "1"),
    ],
    13: [
        ("职工疗休养", "count", "批次", "eq", "2", None),
        ("职工疗休养", "count", "人次", "eq", "100", None),
    ],
    14: [("四星、五星驿站", "count", "家", "eq", "11", None)],
    15: [("关爱慰问活动", "count", "场", "eq", "50", None)],
    # "每季度开展1次": a cadence (频次) of one per quarter, not a count of four
    16: [("街道工会工作现场交流活动", "cadence", "次", "gte", "1", None)],
    17: [("示范工联合会", "count", "个", "gte", "30", None)],
    19: [("项目", "count", "个", "gte", "44", None)],
    20: [("社区工联会", "count", "个", "gte", "11", "1")],
    21: [("工会代表制的比例", "rate", "%", "gte", "50", None)],
    22: [("百人以上企业动态建会率", "rate", "%", "gte", "99", None)],
    25: [("财务专业人员", "count", "名", "eq", "11", None)],
    26: [
        ("常态化审计", "count", "个", "eq", "11", None),
        ("经审工作规范化考核", "count", "个", "eq", "11", None),
    ],
    28: [
        ("重点企业工会干部培训", "count", "期", "eq", "2", None),
        ("重点企业工会主席", "count", "期", "gte", "11", "1"),
    ],
    30: [("优秀工会干部评选活动", "cadence", "次", "gte", "1", None)],  # 每年开展一次
}


@pytest.mark.parametrize("number", range(1, 31))
def test_indicators_of_each_task_match_the_golden_list(plan: ParsedPlan, number: int) -> None:
    task = plan.tasks[number - 1]
    actual = [
        (
            ind.name,
            ind.kind,
            ind.unit,
            ind.comparator,
            ind.target,
            ind.per_unit_target,
        )
        for ind in task.indicators
    ]
    expected = EXPECTED_INDICATORS.get(number, [])
    assert len(actual) == len(expected), actual
    for got, (noun, kind, unit, comparator, target, per_unit) in zip(actual, expected, strict=True):
        name, *rest = got
        assert noun in name
        assert rest == [
            kind,
            unit,
            comparator,
            Decimal(target),
            None if per_unit is None else Decimal(per_unit),
        ]


def test_indicator_names_are_readable_and_unique_within_a_task(plan: ParsedPlan) -> None:
    for task in plan.tasks:
        names = [ind.name for ind in task.indicators]
        assert len(names) == len(set(names))
        for name in names:
            assert len(name) >= 2
            assert not any(char.isdigit() for char in name)
            assert not name.startswith(("开展", "举办", "组织", "创建", "评选", "打造", "完成"))
            assert not name.endswith(("以上", "达到", "保持在", "不少于"))


def test_specific_indicator_names_from_the_real_plan(plan: ParsedPlan) -> None:
    names = {task.number: [ind.name for ind in task.indicators] for task in plan.tasks}
    assert names[10][1] == "配备法律顾问的三级、四级工会联合会"
    assert names[10][2] == "律师驻点"
    assert names[26][0] == "常态化审计的街道总工会"
    assert names[16] == ["街道工会工作现场交流活动"]
    assert names[7][2] == "劳模服务活动"


def test_indicator_source_is_the_clause_of_the_description(plan: ParsedPlan) -> None:
    for task in plan.tasks:
        for ind in task.indicators:
            assert ind.source
            assert ind.source in task.description
            assert "。" not in ind.source and "，" not in ind.source
    assert plan.tasks[15].indicators[0].source == "每季度开展1次"
    assert plan.tasks[9].indicators[2].source == (
        "在劳资纠纷多发的区域或职工群众聚集的区域开展律师驻点不少于22个"
    )


def test_rate_indicators_use_percent_unit_and_counts_do_not(plan: ParsedPlan) -> None:
    for task in plan.tasks:
        for ind in task.indicators:
            assert ind.kind in ("count", "rate", "cadence")
            assert (ind.unit == "%") == (ind.kind == "rate")
            assert isinstance(ind.target, Decimal)


def test_crlf_and_bom_input_parses_same_as_lf(plan_text: str, plan: ParsedPlan) -> None:
    crlf = "\ufeff" + plan_text.replace("\n", "\r\n")
    assert parse_plan_text(crlf) == plan


def test_extra_leading_and_trailing_blank_lines_only_shift_line_numbers(plan_text: str) -> None:
    shifted = parse_plan_text("\n \n\u3000\n" + plan_text + "\n\n  \n")
    original = parse_plan_text(plan_text)
    assert shifted.tasks[0].line == original.tasks[0].line + 3
    assert [t.description for t in shifted.tasks] == [t.description for t in original.tasks]


def test_parsed_structures_are_frozen(plan: ParsedPlan) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.tasks[0].number = 99  # type: ignore[misc]


# --------------------------------------------------------------------------- layout variants


def test_half_width_parens_colons_and_mismatched_pairs_are_accepted() -> None:
    text = mini_plan(
        "一、第一部分",
        "1.任务一。内容(牵头部室:宣教部、权益部,参与单位:各街道总工会)",
        "2.任务二。内容（牵头部室：组织部；参与单位：各街道总工会，行业工会)",
        "3.任务三。内容(牵头部室： 办公室 ， 宣教部，参与单位：区总各部室）",
    )
    tasks = parse_plan_text(text).tasks
    assert tasks[0].lead_names == ("宣教部", "权益部")
    assert tasks[0].participant_names == ("各街道总工会",)
    assert tasks[1].lead_names == ("组织部",)
    assert tasks[1].participant_names == ("各街道总工会", "行业工会")
    assert tasks[1].participants_text == "各街道总工会，行业工会"
    assert tasks[2].lead_names == ("办公室", "宣教部")


def test_task_continuation_starting_with_digits_is_joined_until_lead_is_read() -> None:
    text = mini_plan(
        "一、第一部分",
        "1.任务一。开展“素质提升",
        "",
        "",
        "2024行动”。（牵头部室：宣教部，参",
        "",
        "与单位：各街道总工会）",
        "2.任务二。内容。" + LEAD,
    )
    tasks = parse_plan_text(text).tasks
    assert tasks[0].description == "任务一。开展“素质提升2024行动”。"
    assert tasks[0].participant_names == ("各街道总工会",)
    assert [t.number for t in tasks] == [1, 2]


def test_next_task_number_inside_open_lead_parenthetical_is_a_continuation() -> None:
    text = mini_plan(
        "一、第一部分",
        "1.任务一。内容（牵头部室：宣教部，参与单位：",
        "2.所属单位）",
    )
    task = parse_plan_text(text).tasks[0]
    assert task.participants_text == "2.所属单位"


def test_section_title_broken_by_page_break_is_joined() -> None:
    text = mini_plan("一、强化职工思想", "", "政治引领", f"1.任务一。内容{LEAD}")
    assert parse_plan_text(text).sections[0].title == "强化职工思想政治引领"


def test_preamble_sentence_broken_by_page_break_is_one_paragraph() -> None:
    text = "\n".join(
        [
            "标题",
            "全区各级工会要坚持",
            "",
            "以习近平新时代中国特色社会主义思想为指导。",
            "“1”是指一个目标：",
            "争当排头兵。",
            "一、部分",
            f"1.任务。内容{LEAD}",
        ]
    )
    plan = parse_plan_text(text)
    assert plan.paragraphs == (
        "全区各级工会要坚持以习近平新时代中国特色社会主义思想为指导。",
        "“1”是指一个目标：争当排头兵。",
    )
    assert plan.framework == ""


def test_task_without_full_stop_uses_whole_description_as_title() -> None:
    task = parse_plan_text(task_with("推进某项工作")).tasks[0]
    assert task.title == "推进某项工作"


# --------------------------------------------------------------------------- indicator rules


def test_per_street_target_is_scaled_by_street_count() -> None:
    (ind,) = indicators_of("任务。各街道举办专项培训2场。")
    assert STREET_COUNT == 11
    assert (ind.per_unit_target, ind.target, ind.comparator) == (Decimal(2), Decimal(22), "eq")


def test_range_counts_as_at_least_its_lower_bound() -> None:
    (ind,) = indicators_of("任务。每个街道选择2-3个试点社区。")
    assert (ind.comparator, ind.per_unit_target, ind.target) == ("gte", Decimal(2), Decimal(22))
    assert ind.name == "试点社区"


def test_quarterly_activity_becomes_a_cadence_of_one_per_quarter() -> None:
    (ind,) = indicators_of("开展交流活动。每季度开展1次。")
    assert (ind.kind, ind.cadence, ind.target, ind.unit, ind.name) == (
        "cadence",
        "quarter",
        Decimal(1),
        "次",
        "交流活动",
    )


@pytest.mark.parametrize(
    ("text", "cadence", "target", "unit", "name"),
    [
        ("开展交流活动。每月至少召开一次职工代表座谈会。", "month", 1, "次", "职工代表座谈会"),
        ("办好职工运动会。每年举办一届职工运动会。", "year", 1, "次", "职工运动会"),
        ("办好劳模讲堂。双月开展一次劳模讲堂。", "bimonth", 1, "次", "劳模讲堂"),
        ("办好劳模讲堂。每两个月开展2场劳模讲堂。", "bimonth", 2, "场", "劳模讲堂"),
        ("开展宣讲。每季度开展宣讲活动不少于2场。", "quarter", 2, "场", "宣讲活动"),
    ],
)
def test_cadence_phrases_become_cadence_indicators(
    text: str, cadence: str, target: int, unit: str, name: str
) -> None:
    (ind,) = indicators_of(text)
    assert (ind.kind, ind.cadence, ind.target, ind.unit, ind.comparator) == (
        "cadence",
        cadence,
        Decimal(target),
        unit,
        "gte",
    )
    assert name in ind.name


def test_a_cadence_laid_on_every_street_stays_a_count() -> None:
    (ind,) = indicators_of("开展宣讲。各街道每季度开展1场宣讲。")
    assert (ind.kind, ind.per_unit_target) == ("count", Decimal(4))


def test_the_2024_plan_suggests_cadences_for_tasks_16_and_30(plan: ParsedPlan) -> None:
    cadences = {
        task.number: [(i.cadence, i.target) for i in task.indicators if i.kind == "cadence"]
        for task in plan.tasks
    }
    assert {n: c for n, c in cadences.items() if c} == {
        16: [("quarter", Decimal(1))],
        30: [("year", Decimal(1))],
    }


def test_longest_unit_wins_for_person_times_and_batches() -> None:
    inds = indicators_of("任务。组织3批次活动，服务200人次，培训30人。")
    assert [(i.unit, i.target) for i in inds] == [
        ("批次", Decimal(3)),
        ("人次", Decimal(200)),
        ("人", Decimal(30)),
    ]


@pytest.mark.parametrize(
    ("clause", "comparator"),
    [
        ("开展活动不少于5场", "gte"),
        ("至少开展5场活动", "gte"),
        ("开展活动5场以上", "gte"),
        ("覆盖率达到90%以上", "gte"),
        ("开展活动不超过5场", "lte"),
        ("投诉率控制在5%以内", "lte"),
        ("差错率在5%以下", "lte"),
        ("开展活动5场", "eq"),
    ],
)
def test_comparator_follows_the_wording(clause: str, comparator: str) -> None:
    (ind,) = indicators_of(f"任务。{clause}。")
    assert ind.comparator == comparator


def test_numbers_that_are_not_targets_are_skipped() -> None:
    description = (
        "任务。以7个传统节日为节点，落实“211”体系和“3+4”布局，开展“2024行动”，"
        "推进百人以上企业全覆盖，覆盖300人以上建会企业，举办第3期讲座，2024年完成。"
    )
    assert indicators_of(description) == ()


def test_hundred_events_written_in_chinese_are_a_target() -> None:
    (ind,) = indicators_of("任务。开展“送温暖”百场慰问活动。")
    assert (ind.name, ind.target, ind.unit) == ("慰问活动", Decimal(100), "场")


def test_rate_indicator_is_not_scaled_per_street() -> None:
    (ind,) = indicators_of("任务。推动各街道企业建会率达到60%以上。")
    assert (ind.kind, ind.target, ind.per_unit_target) == ("rate", Decimal(60), None)


def test_decimal_percentages_are_kept_exactly() -> None:
    (ind,) = indicators_of("任务。满意率保持在95.5%以上。")
    assert ind.target == Decimal("95.5")
    assert ind.name == "满意率"


def test_preamble_numbers_never_become_indicators(plan: ParsedPlan) -> None:
    assert all(ind.source in task.description for task in plan.tasks for ind in task.indicators)
    assert not any("周年" in ind.source for task in plan.tasks for ind in task.indicators)


# --------------------------------------------------------------------------- errors


def test_error_message_names_line_number_reason_and_text() -> None:
    error = PlanParseError(line_no=7, line="x" * 80, reason="原因")
    assert (error.line_no, error.line, error.reason) == (7, "x" * 80, "原因")
    assert str(error) == f"第 7 行无法识别：原因。原文：“{'x' * 60}”"
    assert isinstance(error, ValueError)


def test_error_survives_pickling() -> None:
    error = PlanParseError(line_no=3, line="行", reason="原因")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.line_no, copy.line, copy.reason, str(copy)) == (3, "行", "原因", str(error))


def test_gap_in_task_numbering_names_the_offending_line(plan_text: str) -> None:
    broken = plan_text.replace("\n12.维护劳动领域政治安全", "\n14.维护劳动领域政治安全")
    error = parse_error(broken)
    assert error.line_no == 49
    assert error.line.startswith("14.维护劳动领域政治安全")
    assert error.reason == "任务编号应为 12，实际为 14"
    assert str(error).startswith("第 49 行无法识别：任务编号应为 12，实际为 14。原文：“14.维护")


def test_duplicate_task_number_is_rejected() -> None:
    error = parse_error(mini_plan("一、部分", f"1.任务。内容{LEAD}", f"1.任务。内容{LEAD}"))
    assert (error.line_no, error.reason) == (7, "任务编号应为 2，实际为 1")


def test_numbering_must_continue_across_sections() -> None:
    error = parse_error(mini_plan("一、部分", f"1.任务。内容{LEAD}", "二、部分", f"1.任务。{LEAD}"))
    assert (error.line_no, error.reason) == (8, "任务编号应为 2，实际为 1")


def test_out_of_order_section_numeral_is_rejected() -> None:
    error = parse_error(mini_plan("一、部分", f"1.任务。内容{LEAD}", "三、部分", f"2.任务。{LEAD}"))
    assert (error.line_no, error.line, error.reason) == (
        7,
        "三、部分",
        "章节编号应为 二，实际为 三",
    )


def test_garbage_line_after_a_complete_task_is_rejected(plan_text: str) -> None:
    lines = plan_text.split("\n")
    lines.insert(20, "这是一行不属于任何任务的文字")
    error = parse_error("\n".join(lines))
    assert error.line_no == 21
    assert error.line == "这是一行不属于任何任务的文字"
    assert "上一项重点工作已结束" in error.reason


def test_missing_lead_parenthetical_names_the_task_line(plan_text: str) -> None:
    broken = plan_text.replace(
        "（牵头部室：宣教部，参与单位：各街道总工会、行业工会、区总各部室）\n\n2.", "\n\n2.", 1
    )
    error = parse_error(broken)
    assert error.line_no == 19
    assert error.line.startswith("1.坚持以党的创新理论武装职工")
    assert error.reason == "缺少（牵头部室：…，参与单位：…）"


def test_missing_lead_parenthetical_on_last_task_is_rejected() -> None:
    error = parse_error(mini_plan("一、部分", "1.任务。没有牵头部室。"))
    assert (error.line_no, error.reason) == (6, "缺少（牵头部室：…，参与单位：…）")


def test_unclosed_lead_parenthetical_names_its_line() -> None:
    error = parse_error(mini_plan("一、部分", "1.任务。内容", "（牵头部室：办公室，参与单位：区总"))
    assert (error.line_no, error.reason) == (7, "牵头部室括号未闭合")


def test_unparseable_lead_parenthetical_is_rejected() -> None:
    error = parse_error(mini_plan("一、部分", "1.任务。内容（牵头部室：办公室）"))
    assert error.line_no == 6
    assert "无法解析" in error.reason


def test_empty_lead_list_is_rejected() -> None:
    error = parse_error(mini_plan("一、部分", "1.任务。内容（牵头部室：、，参与单位：区总各部室）"))
    assert (error.line_no, error.reason) == (6, "牵头部室为空")


def test_text_after_lead_parenthetical_is_rejected() -> None:
    error = parse_error(mini_plan("一、部分", f"1.任务。内容{LEAD}多余文字"))
    assert error.line_no == 6
    assert "之后不应再有其他文字" in error.reason


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n  \r\n\u3000\n"])
def test_empty_document_is_rejected(text: str) -> None:
    error = parse_error(text)
    assert (error.line_no, error.reason) == (1, "文本为空")


def test_document_without_sections_is_rejected() -> None:
    error = parse_error("标题\n\n前言段落。\n")
    assert (error.line_no, error.line) == (1, "标题")
    assert "未找到任何章节" in error.reason


def test_tasks_before_any_section_are_rejected() -> None:
    error = parse_error(f"标题\n\n1.任务。内容{LEAD}\n")
    assert error.line_no == 3
    assert "缺少章节标题" in error.reason


def test_document_without_tasks_is_rejected() -> None:
    error = parse_error(mini_plan("一、部分"))
    assert (error.line_no, error.line, error.reason) == (5, "一、部分", "未找到任何重点工作")


def test_section_without_tasks_is_rejected() -> None:
    error = parse_error(mini_plan("一、部分", f"1.任务。内容{LEAD}", "二、空部分"))
    assert (error.line_no, error.reason) == (7, "该部分下没有任何重点工作")


def test_stray_text_between_section_and_first_task_is_rejected() -> None:
    error = parse_error(mini_plan("一、部分。", "多余的一段。", f"1.任务。内容{LEAD}"))
    assert error.line_no == 6
    assert "第 1 项重点工作" in error.reason
