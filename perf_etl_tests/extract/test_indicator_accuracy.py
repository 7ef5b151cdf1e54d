"""The indicator labels (perf_etl_tests/fixtures/real/indicators/) are well formed, and the scorer judges an
extracted indicator as the README says: same name, right number or words, nothing invented."""

from pathlib import Path

import pytest

from perf_etl.extract.indicator_accuracy import judge, labelled_texts, load_labels, score
from perf_etl.models import Indicator

REPO = Path(__file__).resolve().parents[2]
REAL = REPO / "perf_etl_tests" / "fixtures" / "real"
GENERATED = REPO / "perf_etl_tests" / "fixtures" / "generated"
SAMPLES = REPO / "data" / "samples"
FIELDS = {"level1", "level2", "indicator_name", "target_text", "actual_text", "comparison", "target_value",
          "target_unit", "actual_value", "actual_unit", "weight", "score", "completion_rate_pct", "met",
          "deviation_reason", "source"}


def label(name, target_text=None, target_value=None, actual_text=None, actual_value=None, met=None):
    return {**dict.fromkeys(FIELDS), "indicator_name": name, "target_text": target_text,
            "target_value": target_value, "actual_text": actual_text, "actual_value": actual_value, "met": met,
            "comparison": "qualitative" if target_text and target_value is None else ">=", "source": "table"}


def extracted(name, target=None, actual=None):
    return Indicator("d", 2023, name, target, "%", actual, "%", None, "table", 1)


def test_every_labels_file_labels_texts_that_exist_with_every_field():
    files = [(path, folder) for folder in (REAL, GENERATED) for path in sorted((folder / "indicators").glob("*.jsonl"))]
    assert len(files) >= 11
    for path, folder in files:
        labels = load_labels(path)
        texts = {text.id: text for text in labelled_texts(path, folder, SAMPLES)}
        assert set(labels) == set(texts), path.name
        for text_id, indicators in labels.items():
            assert indicators, (path.name, text_id)
            for row in indicators:
                assert set(row) == FIELDS, (path.name, text_id, set(row) ^ FIELDS)
                assert row["indicator_name"] and row["source"] in {"table", "prose"}
                assert row["comparison"] in {">=", "<=", "=", "qualitative", None}
                assert row["met"] in {True, False, None}


def test_a_label_is_judged_by_name_value_and_words():
    labels = [label("培训人次", "≥500人次", 500, "620人次", 620, met=True),
              label("预算编制科学性", "科学合理", None, "基本合理", None, met=True),
              label("群众满意度", "≥90%", 90, None, None),
              label("未提取的指标", "≥1", 1, "1", 1)]
    got = [extracted("培训 人次。", 500, 610), extracted("预算编制科学性"), extracted("群众满意度", 90, 85)]
    results = judge("t", labels, got)
    assert [(r.found, r.target_ok, r.actual_ok) for r in results] == [
        (True, True, False),   # the result is 610, not 620
        (True, False, False),  # words labelled, nothing extracted
        (True, True, False),   # a result the text does not state was extracted: invented
        (False, False, False),
    ]
    assert [r.met_ok for r in results] == [False, False, True, False]
    assert score(results)["target_and_actual_right"] == 0


# What the extractor reaches on every labels file today, rounded down (docs/accuracy.md has the blind
# figures): floors against regressions, not the 90 % goal. The real excerpts (cut, flattened by
# document sites, often OCR'd) are harder than the generated full reports.
INDICATORS_RIGHT_FLOOR = {REAL: 0.64, GENERATED: 0.8}


@pytest.mark.parametrize("folder", list(INDICATORS_RIGHT_FLOOR), ids=["real", "generated"])
def test_labelled_indicators_found_with_the_right_target_and_result(folder):
    from perf_etl.extract.indicator_accuracy import evaluate

    totals = [score(evaluate(path, folder, SAMPLES)) for path in sorted((folder / "indicators").glob("*.jsonl"))]
    right = sum(t["target_and_actual_right"] for t in totals)
    labelled = sum(t["indicators"] for t in totals)
    assert right / labelled >= INDICATORS_RIGHT_FLOOR[folder], (right, labelled)


def test_a_name_that_ends_with_the_labelled_one_is_the_same_indicator():
    labels = [label("残疾人文化体育活动", "不少于4场", 4, "6场", 6), label("满意度", "≥90%", 90, "93%", 93)]
    got = [extracted("举办残疾人文化体育活动", 4, 6), extracted("群众满意度", 90, 93)]
    # Four characters at least: "满意度" alone could be anyone's.
    assert [r.found for r in judge("t", labels, got)] == [True, False]
