"""The story restated for confirmation: the customer's words without the greetings,
thanks and photo captions around them."""

from __future__ import annotations

from bot.views.restate import restated_story


def test_greetings_thanks_and_captions_are_left_out() -> None:
    story = ["你好", "上周六买的鲜牛奶，打开就是酸的。谢谢！", "瓶盖上的喷码"]
    assert restated_story(story, [["photo", "AgAC-1", "瓶盖上的喷码"]]) == \
        "上周六买的鲜牛奶，打开就是酸的。"
    assert restated_story(["您好，", "網購的電飯煲壞了。謝謝您"], []) == "網購的電飯煲壞了。"
    assert restated_story(["Hi there, the parcel came crushed.", "Thanks"], []) == \
        "the parcel came crushed."


def test_words_that_only_begin_like_a_greeting_stay() -> None:
    story = ["History repeats: the lid leaked again.", "Thanksgiving dinner was ruined",
             "I want to say thanks"]
    assert restated_story(story, []) == " ".join(story)
