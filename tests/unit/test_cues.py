"""What a story says that decides a major complaint (issue 19.1), in the three languages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.domain.cues import Said, numbers_in, parties_in
from core.policy import MajorTrigger as T

GROUP = "小区20多户…120多瓶…每户要求赔偿2000元…已经请了律师，电视台记者也在联系"


@pytest.mark.parametrize(("story", "parties", "said"), [
    (GROUP, {T.LAWYER, T.MEDIA}, Said(20, 120, Decimal("2000.00"))),
    ("社區有8戶人家買到變質的奶，共30多盒，已經報警，也打了消委會電話，要求賠償1.5萬元",
     {T.POLICE, T.CONSUMER_ASSOCIATION}, Said(8, 30, Decimal("15000.00"))),
    ("Twelve of us? No: 12 households, 30 bottles. I want ¥500 or I will sue.",
     {T.COURT}, Said(12, 30, Decimal("500.00"))),
    ("A reporter from the newspaper called me; I reported it to trading standards.",
     {T.MEDIA, T.REGULATOR}, Said()),
    ("我们3个人各买了5个面包", set(), Said(3, 5, None)),
    # Ordinary words: no party, no number.
    ("I bought it in the food court; my glasses fogged up. 0 stars.", set(), Said()),
])
def test_a_story_names_parties_and_numbers(story: str, parties: set[T], said: Said) -> None:
    assert parties_in(story) == parties
    assert numbers_in(story) == said
