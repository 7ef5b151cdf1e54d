"""How an indicator's target compares, and whether its result met it, from the words of the 自评表 row.

A number decides where both sides have one in the same unit (a target without a digit is words, whatever
its sign): ≥ / 不低于 / 不少于 / 以上 targets are met at or above, ≤ / 不高于 / 不超过 / 控制在…以内 / 以下
targets at or below, a plain number at or above (a count reached or exceeded). A target in words ("科学合理",
"按时完成") is met when the result repeats it, or says 达到 / 完成 / 按时 / 未超 / 符合 / 合格 without a
negation (a promise that something does not happen, "不发生", when the result says "未发生"; an
improvement promised and one reported, "持续增强" / "显著增强"), and not met when it says 未完成 / 未达到 /
滞后 / 超支; a result short of the target by its own words ("基本合理", "有所提升") is decided by its
points. Otherwise the row's own scoring decides:
full 得分 of its 分值 with no 偏差原因 is met, points lost with a reason given is not. Anything else is
undecided (None): no invented verdicts.
"""

from __future__ import annotations

import re

GE, LE, EQ, QUALITATIVE = ">=", "<=", "=", "qualitative"

_AT_LEAST = re.compile(r"^(?:[≥≧>＞]|大于等于|不低于|不少于|不小于|达到)|以上$|及以上")
_AT_MOST = re.compile(r"^(?:[≤≦<＜]|小于等于|不高于|不超过|不大于|低于|控制在)|以[内下]$|及以下")
_NUMBER = re.compile(r"\d")
_APPROXIMATE = re.compile(r"左右|上下$|^约|大约")
_NOT_MET = re.compile(r"未完成|未达到|未达标|未按时|未能|没有完成|不合格|不达标|滞后|延迟|延期|超支|未实现|部分完成")
_MET = re.compile(
    r"已?完成|达到|达成|达标|按时|按期|未超|符合|合格|实现|满足|已[^未]|(?:大于|高于|优于)(?:年度|预期|设定的?)?(?:指标值|目标值?)"
)
_NEGATION = re.compile(r"未|不|没有|无法")
_PARTLY = re.compile(r"基本|初步|部分|有所")
# An improvement promised ("持续增强") and one reported ("显著增强", "有效提升", "进一步缓解"): met.
_IMPROVED = re.compile(r"提升|提高|增强|加强|扩大|改善|完善|健全|缓解|遏制|平稳|向好|壮大|推进")
# A promise that something does not happen ("不发生", "零发生"), kept when the result says it did not.
_NOTHING_PROMISED = re.compile(r"^(?:不发生|零发生|杜绝|避免发生)")
_NOTHING_HAPPENED = re.compile(r"^(?:未发生|无|没有发生|未出现|零发生)$")


# A 指标性质 cell of the split-column template: the sign of the target beside it.
_SIGN_CELLS = {"≥": GE, "≧": GE, ">": GE, "＞": GE, "大于等于": GE, "大于": GE, "不低于": GE, "不少于": GE,
               "正向": GE, "≤": LE, "≦": LE, "<": LE, "＜": LE, "小于等于": LE, "小于": LE, "不高于": LE, "不超过": LE,
               "反向": LE, "=": EQ, "＝": EQ, "═": EQ, "等于": EQ, "定性": QUALITATIVE}


def comparison_of(target_text: str | None, sign: str | None = None) -> str | None:
    """>=, <=, = (a plain number) or qualitative (words); None without a target. `sign` is the 指标性质
    cell where the table has one."""
    text = "".join((target_text or "").split())
    if not text:
        return None
    if sign and "".join(sign.split()) in _SIGN_CELLS:
        return _SIGN_CELLS["".join(sign.split())]
    if not _NUMBER.search(text):
        return QUALITATIVE  # "≤批复概算": words, whatever the sign
    if _AT_MOST.search(text):
        return LE
    return GE if _AT_LEAST.search(text) else EQ


def decide_met(comparison: str | None, target: float | None, actual: float | None, same_unit: bool,
               target_text: str | None, actual_text: str | None, weight: float | None, score: float | None,
               deviation_reason: str | None) -> bool | None:
    """Whether the row's result met its target (see the module docstring); None when the row does not say."""
    if comparison in (GE, LE, EQ) and target is not None and actual is not None and same_unit:
        if comparison == EQ and _APPROXIMATE.search("".join((target_text or "").split())):
            return True if actual == target else None  # "85%左右": near it is met, how near the words don't say
        return actual <= target if comparison == LE else actual >= target
    if actual_text and (comparison == QUALITATIVE or actual is None or target is None or not same_unit):
        if _PARTLY.search(actual_text) and not _PARTLY.search(target_text or "") and not _NOT_MET.search(actual_text):
            # "基本合理", "基本按时完成": short of the target's words by their own account; the points decide.
            return None if weight is None or score is None else score >= weight
        verdict = _words_verdict(target_text or "", actual_text)
        if verdict is not None:
            return verdict
    if weight is not None and score is not None:
        if score >= weight and not deviation_reason:
            return True
        if score < weight and deviation_reason:
            return False
    return None


def _words_verdict(target_text: str, actual_text: str) -> bool | None:
    target, actual = "".join(target_text.split()), "".join(actual_text.split())
    if _NOT_MET.search(actual):
        return False
    if _NOTHING_PROMISED.match(target) and _NOTHING_HAPPENED.match(actual):
        return True
    if _IMPROVED.search(target) and _IMPROVED.search(actual) and not _NEGATION.search(actual):
        return True
    if actual == target or (target and actual.startswith(target) and not _NEGATION.search(actual[len(target):])):
        return True  # the promise said again, perhaps with the figure it reached ("较上年下降" / "较上年下降33.3%")
    if _MET.search(actual) and not _NEGATION.search(_MET.sub("", actual)):
        return True
    return None
