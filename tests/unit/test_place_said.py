"""Where it happened, read out of the story (issue 16.5), on real phrasing in the three
languages; what names no place gives none, so the intake asks as before."""

from __future__ import annotations

import pytest

from core.domain.place_said import in_story


@pytest.mark.parametrize(("story", "place"), [
    ("上周六在南京路门店买的鲜牛奶，打开就是酸的。", "南京路门店"),
    ("昨天在家乐福超市买的酸奶胀袋了", "家乐福超市"),
    ("在上海市南京路100号门店买的", "上海市南京路100号门店"),
    ("我家住在幸福里小区3号楼，楼上一直漏水", "幸福里小区3号楼"),
    ("我在小区东门被保安骂了", "小区东门"),
    ("上週六在彌敦道分店買的牛奶是酸的", "彌敦道分店"),
    ("在銅鑼灣的超市買的", "銅鑼灣的超市"),
    ("I bought it at the Nanjing Road store last Saturday.", "Nanjing Road store"),
    ("In your Causeway Bay branch the staff were rude.", "Causeway Bay branch"),
    ("It happened at Tesco Extra on Kings Road.", "Kings Road"),
])
def test_the_place_a_story_names_is_found_in_its_words(story: str, place: str) -> None:
    assert in_story(story) == place


@pytest.mark.parametrize("story", [
    "The milk I bought on Saturday was sour.", "在网上买的", "孩子喝了一口就吐了",
    "现在很生气", "存在问题", "在吃饭的时候发现了玻璃", "我到店里退货", "在路上",
    "I ordered it from Amazon.",
])
def test_a_story_that_names_no_place_gives_none(story: str) -> None:
    assert in_story(story) is None
