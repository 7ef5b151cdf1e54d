"""detect_years on snippets written the way the genre writes, one variant at a time."""

from __future__ import annotations

import pytest

from perf_etl.ingest.fiscal_year import YearDetection, detect_years, parse_year

BODY = "\n一、基本情况\n"


def years(text: str, max_year: int = 2025) -> tuple[int | None, int | None]:
    detection = detect_years(text, max_year=max_year)
    return detection.fiscal_year, detection.title_year


def assert_spans_point_into(text: str, detection: YearDetection) -> None:
    for span in (detection.fiscal_span, detection.title_span):
        if span is not None:
            assert text[span.char_start : span.char_end] == span.raw_text


@pytest.mark.parametrize(
    "raw",
    ["2023", "2 0 2 3", "２０２３", "２ ０ ２ ３", "二〇二三", "二零二三", "二○二三"],
)
def test_parse_year_variants(raw: str) -> None:
    assert parse_year(raw) == 2023


def test_title_year_is_the_fiscal_year_when_the_body_agrees() -> None:
    text = "2023年度部门整体支出绩效自评报告" + BODY + "2023年度本单位收入总额100万元，支出总额98万元。"
    detection = detect_years(text, max_year=2025)
    assert (detection.fiscal_year, detection.title_year) == (2023, 2023)
    assert detection.fiscal_span is not None and detection.fiscal_span.rule == "title"
    assert detection.fiscal_span.raw_text == "2023年度部门整体支出绩效自评报告"
    assert_spans_point_into(text, detection)


def test_body_that_clearly_evaluates_another_year_overrides_the_title() -> None:
    text = (
        "附件2\n区投资促进中心关于 2022 年部门\n整体支出绩效自评报告"
        + BODY
        + "截至 2021 年 12 月 31 日，本部门财政核定编制 20 人。\n"
        "2021 年度本单位收入总额 9825.88 万元，相比 2020 年度支出减少了 12.23%。\n"
        "我部门组织对 2021 年度 6 个一般公共预算项目支出开展绩效自评。\n"
    )
    detection = detect_years(text, max_year=2025)
    assert (detection.fiscal_year, detection.title_year) == (2021, 2022)
    assert detection.fiscal_span is not None
    assert detection.fiscal_span.rule == "body_over_title:year_end_cutoff"
    assert detection.fiscal_span.raw_text == "2021 年 12 月 31 日"
    assert detection.title_span is not None and detection.title_span.raw_text.startswith("2022 年部门")
    assert_spans_point_into(text, detection)


def test_one_stray_other_year_does_not_override_the_title() -> None:
    text = "2023年部门整体支出绩效自评报告" + BODY + "2022年度结转资金10万元。2023年预算执行率99%。"
    assert years(text) == (2023, 2023)


def test_without_a_title_year_the_budget_year_wins_over_mentions() -> None:
    text = (
        "部门整体支出绩效自评报告\n填报日期：2021.3.31" + BODY + "2021年以来，我局积极推进招商工作。\n"
        "2020 年我局预算收入 16141.66 万元，根据惠仲财预[2021]11 号文件，压减部分工作经费。\n"
        "2020 年我局预算支出 14871.77 万元。\n"
    )
    detection = detect_years(text, max_year=2025)
    assert (detection.fiscal_year, detection.title_year) == (2020, None)
    assert detection.fiscal_span is not None and detection.fiscal_span.rule == "budget_wording"
    assert detection.fiscal_span.raw_text == "2020 年我局预算"


def test_spaced_digits() -> None:
    text = "部门整体支出绩效自评报告" + BODY + "2 0 2 3 年度部门整体支出 1000 万元，2 0 2 3 年预算执行率 99%。"
    assert years(text) == (2023, None)


def test_full_width_digits() -> None:
    text = "２０２２年度部门整体支出绩效自评报告" + BODY + "２０２２年全年预算数１００万元。"
    assert years(text) == (2022, 2022)


def test_chinese_numeral_title() -> None:
    text = "某区商务局二〇二三年度\n部门整体支出绩效自评报告" + BODY + "本年度工作顺利完成。"
    detection = detect_years(text, max_year=2025)
    assert (detection.fiscal_year, detection.title_year) == (2023, 2023)
    assert detection.title_span is not None and detection.title_span.raw_text.startswith("二〇二三年度")


def test_year_broken_from_its_character_by_a_line_break() -> None:
    text = "附件 2\n\n增城经济技术开发区投资促进局 2023\n年部门整体支出绩效自评报告" + BODY
    assert years(text) == (2023, 2023)


def test_comparison_years_are_ignored() -> None:
    text = (
        "部门整体支出绩效自评报告" + BODY + "工资福利支出较 2022 年增加 735.46 万元；与2022年相比，商品和服务支出减少。"
        "比2022年度支出增加10%。同比2022年增长。\n2023 年实际支出数 16348.16 万元。"
    )
    assert years(text) == (2023, None)


def test_only_comparison_years_give_no_fiscal_year() -> None:
    text = "部门整体支出绩效自评报告" + BODY + "支出较 2022 年增加 735.46 万元，比2021年度预算减少。"
    assert years(text) == (None, None)


def test_fill_date_alone_dates_the_year_before_as_inferred() -> None:
    # A report filled in in 2024 evaluates 2023; the rule says the year was inferred, not stated.
    text = "部门整体支出绩效自评报告\n填报日期：2024年3月31日" + BODY + "本年度预算执行良好。"
    assert years(text) == (2023, None)
    span = detect_years(text, max_year=2026).fiscal_span
    assert span is not None and span.rule == "inferred:fill_date" and span.raw_text.startswith("填报日期")


def test_publication_date_dates_a_page_that_states_no_year() -> None:
    text = "部门整体支出绩效自评报告\n发布日期: 2025-04-29" + BODY + "本年度预算执行良好。"
    assert years(text) == (2024, None)
    assert detect_years(text, max_year=2026).fiscal_span.rule == "inferred:publication_date"


def test_a_table_heading_year_decides_over_a_fund_name_in_the_title() -> None:
    text = "某局2023年异地造林补助资金项目支出绩效自评报告\n（2024年度）\n" + BODY
    assert years(text)[0] == 2024


def test_fill_date_does_not_outvote_the_evaluated_year() -> None:
    text = (
        "部门整体支出绩效自评报告\n填报日期：2024年3月31日\n报送时间：2024年4月1日" + BODY + "2023年预算执行率为99.5%。"
    )
    assert years(text) == (2023, None)


def test_document_numbers_are_not_years() -> None:
    text = "部门整体支出绩效自评报告" + BODY + "根据惠仲财预[2020]11号、粤财预〔2020〕5号文件，压减经费。"
    assert years(text) == (None, None)


def test_future_plans_are_ignored() -> None:
    text = (
        "部门整体支出绩效自评报告" + BODY + "2023年度部门整体支出1000万元。\n四、下一步改进措施\n"
        "2025年计划进一步加强预算管理，力争2024年预算执行率达到100%，2024年将完善绩效目标。"
    )
    assert years(text) == (2023, None)


def test_year_end_cutoff_and_evaluation_period_are_strong() -> None:
    cutoff = "部门整体支出绩效自评报告" + BODY + "截至2022年底，人员编制20人。"
    period = "部门整体支出绩效自评报告" + BODY + "评价期间：2022年1月1日至2022年12月31日。"
    assert years(cutoff) == (2022, None)
    assert detect_years(period, max_year=2025).fiscal_span.rule == "evaluation_period"  # type: ignore[union-attr]


def test_labelled_year_without_nian() -> None:
    text = "项目支出绩效自评表\n评价年度：2022\n项目名称：招商引资经费"
    detection = detect_years(text, max_year=2025)
    assert detection.fiscal_year == 2022
    assert detection.fiscal_span is not None and detection.fiscal_span.rule == "labelled_year"


def test_table_heading_year_after_the_report_name() -> None:
    text = "部门整体支出绩效自评表（2023年度）\n单位：万元"
    assert years(text) == (2023, 2023)


def test_amounts_that_start_like_years_are_not_years() -> None:
    text = "部门整体支出绩效自评报告" + BODY + "全年执行数20158.74万元，年初预算数2015年"
    # "20158" is an amount; only the trailing "2015年" is a year mention, and a weak one.
    assert years(text) == (None, None)


def test_plain_repeated_mentions_are_a_last_resort() -> None:
    text = "部门整体支出绩效自评报告" + BODY + "2023年，我局认真履职。2023年，招商成效明显。2021年疫情影响。"
    detection = detect_years(text, max_year=2025)
    assert detection.fiscal_year == 2023
    assert detection.fiscal_span is not None and detection.fiscal_span.rule == "most_mentioned"


def test_years_after_max_year_are_not_fiscal_years() -> None:
    text = "2030年度部门整体支出绩效自评报告" + BODY + "2030年度预算支出100万元。"
    assert years(text, max_year=2025) == (None, None)
    assert years(text, max_year=2030) == (2030, 2030)


def test_title_may_name_the_year_after_the_fiscal_year() -> None:
    # Written in 2025 about 2024 and titled by the writing year: the title is recorded, the body decides.
    text = "关于2025年部门整体支出绩效自评报告" + BODY + "2024年度本单位收入总额100万元，2024年度支出总额90万元。"
    assert years(text, max_year=2024) == (2024, 2025)


def test_text_without_years() -> None:
    assert years("部门整体支出绩效自评报告\n一、基本情况\n本部门主要职责是招商引资。") == (None, None)
    assert years("") == (None, None)


def test_markdown_bold_inside_the_phrase_does_not_hide_the_budget_wording() -> None:
    text = "部门整体支出绩效自评报告" + BODY + "**2022 年**\n**预算**收入 100 万元。"
    assert years(text) == (2022, None)


def test_a_self_evaluation_of_the_year_before_overrides_a_publication_year_title() -> None:
    # Found by the benchmark corpus: titles that carry the year of publication, a body whose budget and
    # self-evaluation sentences name the year before.
    text = (
        "某区民政局2024年\n部门整体支出绩效自评报告\n填报日期：2024年4月8日" + BODY
        + "2023年，我局围绕年度重点工作任务开展工作。\n2023年度我局预算收入1200万元，支出1180万元。\n"
        + "我局2023年度自评分数为88分。"
    )
    assert years(text) == (2023, 2024)
