"""Tests for the "inline" plan shape (一是…二是… inside each section's paragraph), no Django."""

from decimal import Decimal
from pathlib import Path

import pytest

from tasks.plan_text import (
    ParsedPlan,
    PlanParseError,
    parse_plan_text,
    parsed_from_data,
    parsed_to_data,
)
from tasks.plan_text.inline import parse_inline_text
from tasks.plan_text.structure import parse_numbered_text

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_PATH = ROOT / "tests" / "fixtures" / "plans" / "inline-shape-plan.txt"
PLAN_2024_PATH = ROOT / "tasks" / "plans" / "longgang-2024-work-plan.txt"

LEAD_WARNING = "原文未写明牵头部室：{} 项重点工作的牵头部室为“待定”，请在保存前指定。"


@pytest.fixture(scope="module")
def fixture_text() -> str:
    """Return the inline-shape test plan."""
    return FIXTURE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan(fixture_text: str) -> ParsedPlan:
    """Return the parsed inline-shape test plan."""
    return parse_plan_text(fixture_text)


def inline_plan(*body: str) -> str:
    """Return a small inline-shape plan: title (line 1), a preamble (line 3), body from line 5."""
    return "\n".join(["测试区总工会2025年工作要点", "", "重点抓好以下几方面工作：", "", *body])


def one_section(paragraph: str) -> ParsedPlan:
    """Return the plan parsed from one section whose paragraph is given."""
    return parse_plan_text(inline_plan("一、测试部分", paragraph))


def parse_error(text: str) -> PlanParseError:
    """Return the PlanParseError raised when parsing text."""
    with pytest.raises(PlanParseError) as info:
        parse_plan_text(text)
    return info.value


# --------------------------------------------------------------------------- golden fixture


def test_fixture_is_read_as_the_inline_shape_with_title_framework_and_preamble(
    plan: ParsedPlan,
) -> None:
    assert plan.shape == "inline"
    assert plan.title == "示例区总工会2025年工作要点（测试样例）"
    assert plan.framework == "1234"
    assert len(plan.paragraphs) == 3
    assert plan.paragraphs[0].startswith("本文件是解析器的测试样例")
    assert plan.paragraphs[0].endswith("团结动员广大职工为推动高质量发展贡献工会力量。")
    assert plan.paragraphs[1] == (
        "全年工作的总体要求是：围绕中心、服务大局，聚焦主责主业，推动工会工作提质增效。"
    )
    assert plan.paragraphs[2] == "重点抓好以下六方面工作："


def test_fixture_sections_join_wrapped_headings_and_keep_their_lead_ins(plan: ParsedPlan) -> None:
    assert [(s.number, s.numeral, s.line, s.title) for s in plan.sections] == [
        (1, "一", 9, "突出抓好职工思想政治引领，团结引导广大职工坚定不移听党话跟党走"),
        (2, "二", 14, "紧紧围绕中心工作，组织动员广大职工建功立业"),
        (3, "三", 19, "认真履行维权服务基本职责，切实维护职工合法权益"),
        (4, "四", 26, "持续深化工会改革和建设，推动基层工会建设提质增效"),
        (5, "五", 30, "全面加强自身建设，不断提升工会组织的感知力、响应力、影响力、凝聚力"),
        (6, "六", 35, "统筹抓好工会宣传和网上工作"),
    ]
    assert [s.description for s in plan.sections] == [
        "坚持把政治建设摆在首位，着力强化职工思想政治引领。",
        "坚持围绕中心、服务大局，着力激发职工创新创造活力。",
        "坚持以职工为中心，着力构建和谐劳动关系。",
        "坚持大抓基层的鲜明导向，着力夯实工会组织基础。",
        "坚持政治建会、改革强会、依法治会。"
        "要以党的政治建设为统领，着力建设让党放心、让职工满意的模范机关。",
        "坚持正确舆论导向，着力讲好劳动者故事。",
    ]


# (number, line, title, description start, description end)
EXPECTED_TASKS = [
    (1, 12, "深化理论武装", "深化理论武装。采", "业、进车间、进班组。"),
    (2, 12, "大力弘扬劳模精神、劳动精神、工匠精神", "大力弘扬劳模精神", "动不少于 30 场。"),
    (3, 12, "丰富职工精神文化生活", "丰富职工精神文化", "要品牌，要持续办好。"),
    (4, 16, "广泛开展劳动和技能竞赛", "广泛开展劳动和技", "列活动 5 场以上。"),
    (5, 16, "深化劳模和工匠人才创新工作室建设", "深化劳模和工匠人", "室达到 120 家。"),
    (6, 17, "推动职工素质技能提升", "推动职工素质技能", "2000 人次以上。"),
    (7, 22, "健全劳动关系协调机制", "健全劳动关系协调", "保持在 90%以上。"),
    (8, 22, "扩大工会法律服务覆盖面", "扩大工会法律服务", "点不少于 20 个。"),
    (9, 22, "深化困难职工帮扶", "深化困难职工帮扶", "态化，做到应帮尽帮。"),
    (10, 22, "推进职工服务阵地标准化建设", "推进职工服务阵地", "点不少于 15 个。"),
    (11, 28, "加强新就业形态劳动者和货车司机", "加强新就业形态劳", "保持在 95%以上。"),
    (12, 28, "推进基层工会规范化建设", "推进基层工会规范", "标率不低于 80%。"),
    (13, 28, "深化产业工会改革", "深化产业工会改革", "与行业协会协同发力。"),
    (14, 33, "加强工会干部队伍建设", "加强工会干部队伍", " 800 人次以上。"),
    (15, 33, "加强工会经费管理", "加强工会经费管理", "控制在 10%以内。"),
    (16, 33, "加强作风建设", "加强作风建设，持", "形式主义、官僚主义。"),
    (17, 37, "加强工会新闻宣传", "加强工会新闻宣传", "通讯员培训 2 期。"),
    (18, 37, "建强网上工作阵地", "建强网上工作阵地", "体的传播力和影响力。"),
    (19, 37, "推动宣传阵地向一线延伸", "推动宣传阵地向一", "者之声”进基层活动。"),
]


def test_fixture_items_are_numbered_across_the_plan_with_titles_and_descriptions(
    plan: ParsedPlan,
) -> None:
    assert [[t.number for t in s.tasks] for s in plan.sections] == [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9, 10],
        [11, 12, 13],
        [14, 15, 16],
        [17, 18, 19],
    ]
    actual = [
        (t.number, t.line, t.title, t.description[:8], t.description[-10:]) for t in plan.tasks
    ]
    assert actual == EXPECTED_TASKS
    for task in plan.tasks:
        assert task.description.startswith(task.title)
        assert task.description.endswith("。")
        assert not task.description.startswith(tuple(f"{n}是" for n in "一二三四"))
        assert (task.lead_names, task.participants_text, task.participant_names) == ((), "", ())


def test_fixture_item_lines_name_the_line_holding_the_ordinal(
    plan: ParsedPlan, fixture_text: str
) -> None:
    lines = fixture_text.split("\n")
    ordinals = "一二三四"
    for section in plan.sections:
        for index, task in enumerate(section.tasks):
            assert f"{ordinals[index]}是{task.title[:6]}" in lines[task.line - 1]


def test_fixture_items_of_several_sentences_stay_whole(plan: ParsedPlan) -> None:
    assert plan.tasks[0].description == (
        "深化理论武装。采取理论宣讲、劳模工匠宣讲、演讲比赛等形式，"
        "推动党的创新理论进企业、进车间、进班组。"
    )
    assert plan.tasks[2].description == (
        "丰富职工精神文化生活，举办职工文化艺术节。这是工会服务职工的重要品牌，要持续办好。"
    )


def test_fixture_paragraph_broken_mid_sentence_is_joined_without_space(plan: ParsedPlan) -> None:
    assert plan.tasks[4].description == (
        "深化劳模和工匠人才创新工作室建设，力争创建 3 家全市示范性劳模和工匠人才创新工作室，"
        "各级各类创新工作室达到 120 家。"
    )
    assert plan.tasks[9].description == (
        "推进职工服务阵地标准化建设，新建户外劳动者服务站点不少于 15 个。"
    )


def test_fixture_zhi_yi_shi_and_zhe_shi_do_not_split(plan: ParsedPlan) -> None:
    assert plan.tasks[8].description == (
        "深化困难职工帮扶，做好送温暖、送清凉等关爱活动。"
        "今年的重点任务之一是推进困难职工帮扶常态化，做到应帮尽帮。"
    )
    assert "这是工会服务职工的重要品牌" in plan.tasks[2].description


def test_fixture_items_joined_by_semicolons_end_with_a_full_stop(plan: ParsedPlan) -> None:
    assert plan.tasks[16].description == "加强工会新闻宣传，举办工会通讯员培训 2 期。"
    assert plan.tasks[17].description == "建强网上工作阵地，提升工会新媒体的传播力和影响力。"


# (task, name, kind, unit, comparator, target)
EXPECTED_INDICATORS = [
    (2, "劳模精神进企业、进校园宣讲活动", "count", "场", "gte", "30"),
    (4, "职工技能大练兵系列活动", "count", "场", "gte", "5"),
    (5, "全市示范性劳模和工匠人才创新工作室", "count", "家", "gte", "3"),
    (5, "各级各类创新工作室", "count", "家", "gte", "120"),
    (6, "职工技能培训", "count", "人次", "gte", "2000"),
    (7, "建会企业集体协商建制率", "rate", "%", "gte", "90"),
    (8, "法律服务活动", "count", "场", "gte", "50"),
    (8, "律师驻点", "count", "个", "gte", "20"),
    (10, "新建户外劳动者服务站点", "count", "个", "gte", "15"),
    (11, "全区百人以上企业工会组建率", "rate", "%", "gte", "95"),
    (12, "基层工会规范化建设达标率", "rate", "%", "gte", "80"),
    (14, "工会干部培训班", "count", "期", "eq", "4"),
    (14, "培训工会干部", "count", "人次", "gte", "800"),
    (15, "基层工会经费结余率", "rate", "%", "lte", "10"),
    (17, "工会通讯员培训", "count", "期", "eq", "2"),
    (19, "“劳动者之声”进基层活动", "cadence", "次", "gte", "1"),  # 每季度开展 1 次
]


def test_fixture_indicators_inside_sentences_are_found(plan: ParsedPlan) -> None:
    actual = [
        (t.number, i.name, i.kind, i.unit, i.comparator, i.target)
        for t in plan.tasks
        for i in t.indicators
    ]
    expected = [(n, name, k, u, c, Decimal(v)) for n, name, k, u, c, v in EXPECTED_INDICATORS]
    assert actual == expected
    for task in plan.tasks:
        for ind in task.indicators:
            assert ind.source in task.description
            assert ind.per_unit_target is None


def test_fixture_warns_only_that_no_lead_is_named(plan: ParsedPlan) -> None:
    assert plan.warnings == (LEAD_WARNING.format(19),)


def test_fixture_survives_crlf_bom_and_the_json_round_trip(
    plan: ParsedPlan, fixture_text: str
) -> None:
    assert parse_plan_text("\ufeff" + fixture_text.replace("\n", "\r\n")) == plan
    assert parsed_from_data(parsed_to_data(plan)) == plan


# --------------------------------------------------------------------------- split points


def test_only_ordinals_in_sequence_at_a_sentence_start_split() -> None:
    plan = one_section(
        "坚持一个目标。一是甲项工作，这是重点之一。二是乙项：其中之一是丙，"
        "统一是关键。 三是丁项；四是戊项。"
    )
    section = plan.sections[0]
    assert section.description == "坚持一个目标。"
    assert [t.description for t in section.tasks] == [
        "甲项工作，这是重点之一。",
        "乙项：其中之一是丙，统一是关键。",
        "丁项。",
        "戊项。",
    ]
    assert [t.title for t in section.tasks] == ["甲项工作", "乙项", "丁项", "戊项"]


def test_ordinal_after_a_closing_quote_or_a_colon_splits() -> None:
    plan = one_section("重点做好以下工作：一是开展“娘家人”活动。”二是推进“职工之家”建设。")
    assert [t.description for t in plan.tasks] == [
        "开展“娘家人”活动。”",
        "推进“职工之家”建设。",
    ]
    assert plan.sections[0].description == "重点做好以下工作："


def test_paragraph_may_start_with_the_first_ordinal() -> None:
    plan = one_section("一是甲项。二是乙项。")
    assert plan.sections[0].description == ""
    assert [t.title for t in plan.tasks] == ["甲项", "乙项"]


def test_ten_and_eleven_ordinals_split_in_sequence() -> None:
    items = "".join(f"{n}是第{i}项。" for i, n in enumerate("一二三四五六七八九", 1))
    plan = one_section(f"引言。{items}十是第10项。十一是第11项。")
    assert [t.title for t in plan.tasks] == [f"第{i}项" for i in range(1, 12)]
    assert plan.warnings == (LEAD_WARNING.format(11),)


def test_numbering_continues_across_sections_and_lines_follow_page_breaks() -> None:
    text = inline_plan(
        "一、第一部分",
        "引言。一是甲项。二是乙",
        "",
        "项。三是丙项。",
        "二、第二部分",
        "引言。一是丁项。",
    )
    plan = parse_plan_text(text)
    assert [(t.number, t.line, t.description) for t in plan.tasks] == [
        (1, 6, "甲项。"),
        (2, 6, "乙项。"),
        (3, 8, "丙项。"),
        (4, 10, "丁项。"),
    ]


def test_section_without_ordinals_is_one_task_with_a_warning() -> None:
    text = inline_plan("一、第一部分", "引言。一是甲项。", "二、第二部分", "整段工作，不分项。")
    plan = parse_plan_text(text)
    second = plan.sections[1]
    assert second.description == ""
    assert [(t.number, t.line, t.title, t.description) for t in second.tasks] == [
        (2, 8, "整段工作", "整段工作，不分项。")
    ]
    assert plan.warnings == (
        LEAD_WARNING.format(2),
        "板块二未按“一是、二是”分项，整段作为第 2 项重点工作，请核对标题。",
    )


def test_skipped_ordinal_splits_and_warns() -> None:
    plan = one_section("引言。一是甲。二是乙。三是丙。四是丁。六是己。")
    assert [t.description for t in plan.tasks] == ["甲。", "乙。", "丙。", "丁。", "己。"]
    assert plan.warnings[1:] == ("板块一的“四是”之后出现“六是”，中间可能漏了一项，请核对。",)


def test_repeated_or_earlier_ordinal_does_not_split_and_warns() -> None:
    plan = one_section("引言。一是甲。二是乙。一是乙的细项。三是丙。")
    assert [t.description for t in plan.tasks] == ["甲。", "乙。一是乙的细项。", "丙。"]
    assert plan.warnings[1:] == ("板块一的“二是”之后又出现“一是”，未作拆分，请核对。",)


def test_ordinal_before_the_first_one_does_not_split_and_warns() -> None:
    plan = one_section("引言：三是老问题。一是甲。二是乙。")
    assert plan.sections[0].description == "引言：三是老问题。"
    assert plan.warnings[1:] == ("板块一的“三是”在“一是”之前，未作拆分，请核对。",)


def test_ordinals_without_a_first_one_stay_one_task_and_warn() -> None:
    text = inline_plan("一、第一部分", "引言。一是甲。", "二、第二部分", "引言。二是乙。三是丙。")
    plan = parse_plan_text(text)
    assert [t.description for t in plan.sections[1].tasks] == ["引言。二是乙。三是丙。"]
    assert plan.warnings[1:] == (
        "板块二出现“二是”、“三是”但没有“一是”，整段作为一项重点工作，请核对。",
    )


def test_preamble_area_count_that_differs_from_the_sections_found_warns() -> None:
    text = "\n".join(["标题", "重点抓好以下三方面工作：", "一、部分", "引言。一是甲。"])
    assert parse_plan_text(text).warnings == (
        LEAD_WARNING.format(1),
        "前言写明“以下三方面”，实际找到 1 个板块，请核对。",
    )


def test_heading_wraps_only_onto_one_short_line_without_sentence_punctuation() -> None:
    text = inline_plan("一、强化职工思想", "", "政治引领", "短句无标点", "引言。一是甲项。")
    plan = parse_plan_text(text)
    assert plan.sections[0].title == "强化职工思想政治引领"
    assert plan.sections[0].description == "短句无标点引言。"
    long_first_line = "坚持以习近平新时代中国特色社会主义思想为指导着力强化职工思想政治引领"
    plan = parse_plan_text(inline_plan("一、部分", long_first_line, "。一是甲项。"))
    assert plan.sections[0].title == "部分"
    assert plan.sections[0].description == long_first_line + "。"
    plan = parse_plan_text(inline_plan("一、部分", "坚持党建带工建。", "一是甲项。"))
    assert plan.sections[0].title == "部分"


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("item", "title"),
    [
        ("加强宣传。", "加强宣传"),
        ("加强宣传；做好服务。", "加强宣传"),
        ("加强宣传：做好服务。", "加强宣传"),
        # Longer than 28 characters: cut before a list's first 、 …
        (
            "加强新就业形态劳动者和货车司机、快递员、网约车司机等重点群体建会入会工作。",
            "加强新就业形态劳动者和货车司机",
        ),
        # … else before the last 的 that fits …
        (
            "推动建立健全覆盖全区各类企业职工的多层次多形式劳资沟通协商和集体协商机制。",
            "推动建立健全覆盖全区各类企业职工",
        ),
        # … never at a 、 inside quotes, and never mid-word when there is no boundary at all.
        (
            "持续开展“送温暖、送清凉、送健康、送文化、送技能”系列关爱活动并推动常态化长效化。",
            "持续开展“送温暖、送清凉、送健康、送文化、送技能”系列关爱活动并推动常态化长效化",
        ),
        ("开展“娘家人，暖心行”活动，服务职工。", "开展“娘家人，暖心行”活动"),
    ],
)
def test_titles_are_the_first_clause_cut_at_a_word_boundary(item: str, title: str) -> None:
    task = one_section(f"引言。一是{item}").tasks[0]
    assert task.title == title
    assert task.description.startswith(task.title)


# --------------------------------------------------------------------------- dispatcher


def test_real_2024_plan_is_still_read_as_the_numbered_shape() -> None:
    text = PLAN_2024_PATH.read_text(encoding="utf-8")
    plan = parse_plan_text(text)
    assert (plan.shape, plan.warnings, len(plan.tasks)) == ("numbered", (), 30)
    assert plan == parse_numbered_text(text)


def test_numbered_tasks_with_leads_win_even_when_they_list_items_inline() -> None:
    text = inline_plan(
        "一、部分",
        "1.任务。一是甲。二是乙。（牵头部室：办公室，参与单位：区总各部室）",
    )
    plan = parse_plan_text(text)
    assert plan.shape == "numbered"
    assert plan.tasks[0].description == "任务。一是甲。二是乙。"


def test_numbered_tasks_missing_their_leads_get_the_numbered_error() -> None:
    error = parse_error(inline_plan("一、部分", "1.任务。一是甲。"))
    assert (error.line_no, error.reason) == (6, "缺少（牵头部室：…，参与单位：…）")


def test_fixture_is_the_same_through_the_dispatcher_and_the_inline_parser(
    fixture_text: str, plan: ParsedPlan
) -> None:
    assert parse_inline_text(fixture_text) == plan


def test_text_with_neither_shape_gets_the_numbered_parser_error() -> None:
    error = parse_error(inline_plan("一、部分", "只有一段文字。"))
    assert (error.line_no, error.reason) == (5, "未找到任何重点工作")
    error = parse_error("标题\n\n前言里说一是甲。\n")
    assert (error.line_no, error.reason) == (1, "未找到任何章节（如“一、…”）")


# --------------------------------------------------------------------------- errors


def test_inline_out_of_order_section_names_its_line() -> None:
    error = parse_error(inline_plan("一、部分", "引言。一是甲。", "三、部分", "引言。一是乙。"))
    assert (error.line_no, error.line, error.reason) == (
        7,
        "三、部分",
        "章节编号应为 二，实际为 三",
    )


def test_inline_section_without_text_names_its_heading() -> None:
    error = parse_error(inline_plan("一、部分", "二、部分", "引言。一是甲。"))
    assert (error.line_no, error.line, error.reason) == (5, "一、部分", "章节标题之后没有正文")
    error = parse_error(inline_plan("一、部分", "引言。一是甲。", "二、最后部分"))
    assert (error.line_no, error.reason) == (7, "章节标题之后没有正文")


def test_inline_section_with_empty_title_is_rejected() -> None:
    error = parse_error(inline_plan("一、", "引言很长，带有句号的一整段正文。一是甲。"))
    assert (error.line_no, error.reason) == (5, "章节标题为空")


def test_inline_item_without_text_names_its_line() -> None:
    error = parse_error(inline_plan("一、部分", "引言。一是甲。", "二是。三是丙。"))
    assert (error.line_no, error.line, error.reason) == (7, "二是。三是丙。", "“二是”之后没有内容")


def test_inline_plan_without_a_title_is_rejected() -> None:
    error = parse_error("一、部分\n引言。一是甲。")
    assert (error.line_no, error.reason) == (1, "缺少计划标题")
