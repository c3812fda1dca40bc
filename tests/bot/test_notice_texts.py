"""Every notice kind has words, in every language: a sample of each kind is rendered in
zh_Hans, zh_Hant and en, and any text that is not in a catalog fails the test.

Adding a notice kind makes ``test_every_kind_has_a_sample`` fail until a sample is added
here, so a new kind cannot ship without a renderer and translations.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.delivery.card_sender import event_line
from bot.delivery.outbox_sender import SENT_APART
from bot.runtime.i18n import DOMAIN, LANGUAGES, LOCALES_DIR, compile_catalogs
from bot.views.notice_registry import render, renderer_for
from core.notices import (
    DESK,
    SUPERVISORS,
    CallCustomer,
    Card,
    CardEvent,
    Closed,
    ClosedSatisfied,
    DeadlineBreach,
    DeadlineExtended,
    DeadlineWarning,
    Digest,
    DigestLine,
    EscalatedToYou,
    EvidenceOverdue,
    ExtensionRequested,
    FindingConfirmed,
    FindingReopened,
    GroupBack,
    GroupLost,
    Implemented,
    Invalid,
    MajorCase,
    MajorCaseToYou,
    MonthlyReport,
    Notice,
    OverdueDigest,
    PromiseSlipped,
    Question,
    Reply,
    Route,
    SolutionProposed,
    StaffJoined,
    Survey,
    SurveyReminder,
    Undelivered,
    department,
    load,
    notice_kinds,
)
from core.policy import OutsideRoute, Policy, load_preset
from tests.factories import make_policy

CUSTOMER: dict[str, Any] = {"case_id": 7, "customer_id": 41, "number": "2611-0007"}
ALERT: dict[str, Any] = {
    "case_id": 7, "number": "2611-0007", "clock": "department_solution",
    "due": "2026-11-05T17:00:00+08:00", "late_by_minutes": 0, "due_in_minutes": 0,
    "level": "department_head", "escalated": False, "severity": "normal",
    "state": "awaiting_solution", "department": "quality"}
MAJOR: dict[str, Any] = {
    "case_id": 7, "number": "2611-0007", "category": "product_quality", "department": "quality",
    "triggers": ("media", "injury"), "complainants": 7, "batch_units": None,
    "claimed_amount": "3000", "channel": "telegram"}
LINE = DigestLine(number="2611-0007", state="awaiting_solution", owner="Li",
                  due="2026-11-05T09:00:00+00:00", clock="department_solution", late=True)

SAMPLES: dict[type[Notice], list[Notice]] = {
    SolutionProposed: [
        SolutionProposed(**CUSTOMER, remedy="refund", amount="12.50", currency="CNY",
                         text="We refund the bottle.", department="quality"),
        SolutionProposed(**CUSTOMER, remedy="explanation", amount="", currency="",
                         text="It was the heat.", department=""),
    ],
    Question: [Question(**CUSTOMER, question="Which shop?")],
    Survey: [Survey(**CUSTOMER, round=1)],
    SurveyReminder: [SurveyReminder(**CUSTOMER, round=2)],
    Invalid: [Invalid(**CUSTOMER, finding="Bought after its date.")],
    FindingConfirmed: [FindingConfirmed(**CUSTOMER, reason="The date on the receipt is later.")],
    FindingReopened: [FindingReopened(**CUSTOMER)],
    PromiseSlipped: [PromiseSlipped(**CUSTOMER, promised="2026-11-09T17:00:00+08:00",
                                    expect="2026-11-11T17:00:00+08:00"),
                     PromiseSlipped(**CUSTOMER, promised="2026-11-09T17:00:00+08:00",
                                    expect="")],
    Implemented: [Implemented(**CUSTOMER, note="Delivered on Monday."),
                  Implemented(**CUSTOMER)],
    ClosedSatisfied: [ClosedSatisfied(**CUSTOMER)],
    Closed: [Closed(**CUSTOMER, closure="external_court", outcome="Settled."),
             Closed(**CUSTOMER, closure="", outcome="")],
    Card: [Card(case_id=7, to=DESK, number="2611-0007", events=(
        CardEvent(event="assign", note="", actor_id=3, role="specialist"),
        CardEvent(event="customer_reject", note="Too little.", actor_id=None,
                  role="customer"),
        CardEvent(event="escalate", note="", actor_id=None, role="system")))],
    DeadlineWarning: [DeadlineWarning(**{**ALERT, "due_in_minutes": 150},
                                      to=department("quality"))],
    DeadlineBreach: [DeadlineBreach(**{**ALERT, "late_by_minutes": 1500, "escalated": True}),
                     DeadlineBreach(**{**ALERT, "late_by_minutes": 20}),
                     DeadlineBreach(**{**ALERT, "late_by_minutes": 2460, "escalated": True,
                                       "late_working_minutes": 540, "named": ("Zhao Min",)})],
    EscalatedToYou: [EscalatedToYou(**{**ALERT, "late_by_minutes": 2460, "escalated": True,
                                       "late_working_minutes": 540, "named": ("Zhao Min",)},
                                    telegram_id=302)],
    MajorCase: [MajorCase(**MAJOR),
                MajorCase(**MAJOR, unanswered_minutes=95),
                MajorCase(**{**MAJOR, "triggers": (), "complainants": 1, "claimed_amount": ""},
                          marked_by="specialist")],
    MajorCaseToYou: [MajorCaseToYou(**MAJOR, telegram_id=302)],
    EvidenceOverdue: [EvidenceOverdue(case_id=7, number="2611-0007", days=30)],
    ExtensionRequested: [ExtensionRequested(case_id=7, number="2611-0007", department="quality",
                                            reason="The lab needs a week.")],
    DeadlineExtended: [DeadlineExtended(**CUSTOMER, until="2026-11-11T09:00:00+00:00")],
    Digest: [Digest(department="quality", day="2026-11-05", cases=(LINE,), total=3),
             Digest(department="quality", day="2026-11-05", cases=(), total=0)],
    OverdueDigest: [OverdueDigest(day="2026-11-05", cases=(LINE,), total=1),
                    OverdueDigest(day="2026-11-05", cases=(), total=0)],
    GroupLost: [GroupLost(binding="department:quality", chat_id=-100902)],
    GroupBack: [GroupBack(binding="desk", chat_id=-100901)],
    MonthlyReport: [MonthlyReport(period="2026-10")],
    Reply: [Reply(chat_id=1001, method="SendMessage",
                  params={"chat_id": 1001, "text": "Noted.", "parse_mode": "HTML"})],
    CallCustomer: [
        CallCustomer(case_id=7, number="2611-0007", name="Liu Yang", phone="13900139000",
                     about="solution_proposed", said=SolutionProposed(
                         **CUSTOMER, remedy="exchange", amount="", currency="",
                         text="A new kettle.", department="quality").payload),
        CallCustomer(case_id=7, number="2611-0007", name="Liu Yang", phone="13900139000",
                     about="survey", said={"round": 1, "number": "2611-0007"}),
        CallCustomer(case_id=7, number="2611-0007", name="Liu Yang", phone="13900139000",
                     about="question", said={"question": "Which shop?",
                                             "number": "2611-0007"}),
        CallCustomer(case_id=7, number="2611-0007", name="Liu Yang", phone="13900139000",
                     about="implemented", said={"note": "", "number": "2611-0007"}),
    ],
    Undelivered: [
        Undelivered(case_id=7, to=DESK, about="card", audience_of="department",
                    address_of="quality", number="2611-0007", reason="no chat"),
        Undelivered(to=SUPERVISORS, about="digest", audience_of="desk", address_of="",
                    number="", reason="no chat"),
        Undelivered(case_id=7, to=DESK, about="survey", audience_of="customer",
                    address_of="41", number="2611-0007", reason="no chat"),
        Undelivered(case_id=7, to=DESK, about="escalated_to_you", audience_of="staff",
                    address_of="302", number="2611-0007", reason="no chat"),
    ],
    StaffJoined: [StaffJoined(to=department("quality"), name="Lin Yu", role="department",
                              department="quality", level="specialist"),
                  StaffJoined(to=SUPERVISORS, name="Ma Li", role="supervisor", department="",
                              level="")],
}


class StrictI18n(I18n):
    """Translates as the bot does, and notes every message its locale's catalog lacks."""

    def __init__(self) -> None:
        compile_catalogs()
        super().__init__(path=LOCALES_DIR, default_locale="en", domain=DOMAIN)
        self.missing: set[tuple[str, str]] = set()

    def gettext(self, singular: str, plural: str | None = None, n: int = 1,
                locale: str | None = None) -> str:
        locale = locale or self.current_locale
        translations = self.locales.get(locale)
        catalog = getattr(translations, "_catalog", {})
        if not catalog.get(singular):
            self.missing.add((locale, singular))
        return super().gettext(singular, plural, n, locale)

    @contextmanager
    def context(self) -> Iterator[I18n]:
        # As I18n's, but set as the I18n the bot's gettext looks up (a subclass has its own).
        token = I18n.set_current(self)
        try:
            yield self
        finally:
            I18n.reset_current(token)


@pytest.fixture(scope="module")
def i18n() -> StrictI18n:
    return StrictI18n()


@pytest.fixture(scope="module")
def policy() -> Policy:
    return make_policy()


def words(notice: Notice, policy: Policy) -> list[str]:
    """Everything a reader sees of a notice: its text, or its card notes, and buttons."""
    if isinstance(notice, Card):
        names = {3: "Wang"}
        return [line for event in notice.events if (line := event_line(event, names))]
    text, markup = render(notice, policy)
    buttons = ([button.text for row in markup.inline_keyboard for button in row]
               if isinstance(markup, InlineKeyboardMarkup) else [])
    return [text, *buttons]


def in_language(i18n: StrictI18n, language: str, notice: Notice, policy: Policy) -> list[str]:
    with i18n.context(), i18n.use_locale(language):
        return words(notice, policy)


def kind_name(kind: type[Notice]) -> str:
    return kind.kind


KINDS: list[type[Notice]] = sorted(notice_kinds().values(), key=kind_name)


def test_every_kind_has_a_sample() -> None:
    assert set(SAMPLES) == set(notice_kinds().values())


@pytest.mark.parametrize("kind", KINDS, ids=kind_name)
def test_every_kind_is_rendered_or_sent_by_its_own_sender(kind: type[Notice]) -> None:
    assert (renderer_for(kind) is not None) != (kind in SENT_APART), kind.kind


@pytest.mark.parametrize("kind", KINDS, ids=kind_name)
def test_every_kind_reads_back_from_the_outbox_as_it_was_written(kind: type[Notice]) -> None:
    for notice in SAMPLES[kind]:
        assert load(notice.kind, notice.route(), notice.case_id, notice.payload) == notice


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in (MonthlyReport, Reply)],
                         ids=kind_name)
def test_every_kind_is_worded_in_every_language(kind: type[Notice], i18n: StrictI18n,
                                                policy: Policy) -> None:
    # Left out: the monthly report's words are the report's (tests/bot/test_report.py);
    # a reply's were translated when the handler said them.
    for notice in SAMPLES[kind]:
        i18n.missing.clear()
        texts = {language: in_language(i18n, language, notice, policy)
                 for language in LANGUAGES}
        assert i18n.missing == set(), f"{kind.kind}: not in the catalogs: {i18n.missing}"
        assert all(all(texts[language]) for language in LANGUAGES), texts
        for chinese in ("zh_Hans", "zh_Hant"):
            same = [a for a, b in zip(texts[chinese], texts["en"], strict=True) if a == b]
            assert same == [], f"{kind.kind} reads in English in {chinese}: {same}"


def test_staff_notices_go_to_their_groups() -> None:
    assert SAMPLES[DeadlineBreach][0].route() == SUPERVISORS
    assert SAMPLES[DeadlineWarning][0].route() == department("quality")
    assert SAMPLES[Digest][0].payload.keys() == {"day", "cases", "total"}


def test_an_escalation_is_told_privately_to_each_person_on_the_new_level() -> None:
    assert SAMPLES[EscalatedToYou][0].route() == Route("staff", "302")


def test_a_breach_says_which_deadline_when_it_was_due_and_the_lateness_in_working_time(
        i18n: StrictI18n, policy: Policy) -> None:
    # Due Thursday 17:00 (Shanghai); 41 hours later by the wall clock, but only the nine
    # working hours of Friday have passed: that is the lateness the deadline counts.
    supervisors = in_language(i18n, "zh_Hans", SAMPLES[DeadlineBreach][2], policy)[0]
    private = in_language(i18n, "zh_Hans", SAMPLES[EscalatedToYou][0], policy)[0]
    assert supervisors.startswith("🔴 <b>投诉单 2611-0007</b>：部门提出方案已超时 9 小时（工作时间）。\n"
                                  "应于 11月5日周四 17:00 完成。")
    assert "错过的期限：部门提出方案，应于 11月5日周四 17:00 完成；已超时 9 小时（工作时间）。" in private
    for text in (supervisors, private):
        assert "1 天" not in text
    assert "已升级至：部门负责人（Zhao Min）" in supervisors
    assert private.startswith("⬆️ <b>投诉单 2611-0007</b> 已升级到您所在的层级：部门负责人。")


def test_digest_lines_name_the_deadline_its_weekday_and_flag_a_late_one(
        i18n: StrictI18n, policy: Policy) -> None:
    # 2026-11-05 09:00 UTC is Thursday 17:00 in Shanghai.
    text = in_language(i18n, "zh_Hans", SAMPLES[OverdueDigest][0], policy)[0]
    assert "部门提出方案：11月5日周四 17:00 前" in text
    assert "⚠️ 已超期" in text
    on_time = Digest(department="quality", day="2026-11-05", total=1, cases=(
        DigestLine(number="2611-0008", state="received", owner="", due=LINE.due,
                   clock="whole_case"),))
    assert "已超期" not in in_language(i18n, "zh_Hans", on_time, policy)[0]


def test_no_overdue_cases_is_not_worded_as_nothing_open(i18n: StrictI18n,
                                                        policy: Policy) -> None:
    overdue = in_language(i18n, "zh_Hans", SAMPLES[OverdueDigest][1], policy)[0]
    department = in_language(i18n, "zh_Hans", SAMPLES[Digest][1], policy)[0]
    assert "没有未结的投诉" in department
    assert "没有未结" not in overdue and "没有超时或已升级的投诉" in overdue


def test_an_invalid_finding_names_the_policys_outside_routes_in_every_language(
        i18n: StrictI18n, policy: Policy) -> None:
    routed = policy.model_copy(update={"outside_routes": tuple(OutsideRoute)})
    for notice in (*SAMPLES[Invalid], *SAMPLES[FindingConfirmed]):
        i18n.missing.clear()
        texts = {language: in_language(i18n, language, notice, routed)
                 for language in LANGUAGES}
        assert i18n.missing == set(), i18n.missing
        assert "12315" in texts["zh_Hans"][0] and "消费者协会" in texts["zh_Hans"][0]
        assert "消費者協會" in texts["zh_Hant"][0] and "the courts" in texts["en"][0]
    assert "12315" not in in_language(i18n, "zh_Hans", SAMPLES[Invalid][0], policy)[0]


def test_a_major_alert_says_why_in_words_and_offers_to_take_it_up(i18n: StrictI18n,
                                                                   policy: Policy) -> None:
    text, *buttons = in_language(i18n, "zh_Hans", SAMPLES[MajorCase][0], policy)
    assert "媒体, 有人受伤" in text and "media" not in text
    assert buttons == ["✋ 我来处理", "🔎 查看投诉"]
    again = in_language(i18n, "en", SAMPLES[MajorCase][1], policy)[0]
    assert again.startswith("⏰ Nobody has taken this up for 1 h 35 min.\n🚨")
    assert SAMPLES[MajorCaseToYou][0].route() == Route("staff", "302")
    marked = in_language(i18n, "en", SAMPLES[MajorCase][2], policy)[0]
    assert "Marked major by the complaint desk." in marked and "Why it is major" not in marked


def test_a_document_that_names_its_classes_is_read_in_its_words(i18n: StrictI18n) -> None:
    policy = load_preset("003_property")
    text = in_language(i18n, "zh_Hant", SAMPLES[MajorCase][0], policy)[0]
    assert text.startswith("🚨 <b>投訴 2611-0007</b>（一類投訴）")


def test_where_progress_is_reported_the_daily_round_asks_for_it(i18n: StrictI18n) -> None:
    rescue = load_preset("004_road_rescue")
    text = in_language(i18n, "en", SAMPLES[Digest][0], rescue)[0]
    assert text.endswith("Please report today's progress on each case you are working on, "
                         "from its card (📝); the supervisors' list shows who has not.")
    assert "report today's progress" not in in_language(i18n, "en", SAMPLES[Digest][1],
                                                        rescue)[0]  # nothing open
    assert "report today's progress" not in in_language(i18n, "en", SAMPLES[Digest][0],
                                                        make_policy())[0]
