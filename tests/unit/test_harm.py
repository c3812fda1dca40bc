"""Words that say someone may be hurt: whole English words in any case, Chinese as written."""

from core.domain.harm import harm_in
from core.policy import MajorTrigger


def test_whole_words_in_any_case_and_chinese_as_written() -> None:
    assert harm_in("I cut my finger on GLASS in the yogurt") == {
        MajorTrigger.INJURY, MajorTrigger.SAFETY}
    assert harm_in("my glasses broke") == frozenset()  # "glasses" is not glass
    assert harm_in("孩子喝了以后住院了") == {MajorTrigger.INJURY}
    assert harm_in("The milk was sour.") == frozenset()
