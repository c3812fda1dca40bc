"""The supervisor's desk as messages: the overdue list, a case with what can be done to
it, its history page by page, search results, the week in figures.

Every page stays well inside Telegram's 4096 characters: lists and histories are paged by
a fixed number of entries, and each entry's free text is cut to a fixed size *after*
escaping, so even text full of ``&`` and ``<`` cannot push a page over.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.actions.desk import DESK
from bot.actions.model import Audience
from bot.delivery.card_sender import CUSTOMERS_STEPS, EVENTS
from bot.input.callbacks import SupervisorAction, SupervisorPage
from bot.views.cards import DEADLINES, card_text, event_note
from bot.views.dates import when
from bot.views.keyboards import inline
from bot.views.labels import (
    RATINGS,
    level_label,
    settled_by,
    severity_label,
    staff_remedy_label,
    staff_state_label,
)
from bot.views.notice_texts import _duration
from bot.views.render import escape, shorten
from core.domain import Case, CaseEvent
from core.services.rules import Rules
from core.services.supervision_queries import (
    PAGE,
    Found,
    HistoryPage,
    Urgent,
    WeekStats,
)

ROLES = {"customer": __("customer"), "specialist": __("customer service"),
         "department": __("department"), "supervisor": __("supervisor"),
         "system": __("system")}
HISTORY_PAGE = 5  # events per history page: notes can be long
ENTRY_LIMIT = 760  # one history entry, escaped: HISTORY_PAGE entries stay under 4096
FOUND_BUDGET = 3800  # search results listed, markup included; the rest are only counted


def fit(text: str, limit: int) -> str:
    """``text`` escaped for HTML and at most ``limit`` characters long."""
    cut = limit
    while True:
        out = escape(shorten(text, cut))
        if len(out) <= limit or cut <= 1:
            return out[:limit] if len(out) > limit else out
        cut = max(1, min(cut - 1, cut * limit // len(out)))


def _nav(builder: InlineKeyboardBuilder, offset: int, total: int, size: int,
         make: Callable[[int], CallbackData]) -> int:
    """Prev / next buttons (how many were added); ``make(offset)`` builds the data."""
    added = 0
    if offset > 0:
        builder.button(text=_("◀️ Previous"), callback_data=make(max(0, offset - size)))
        added += 1
    if offset + size < total:
        builder.button(text=_("Next ▶️"), callback_data=make(offset + size))
        added += 1
    return added


def overdue_page(items: list[Urgent], total: int, offset: int, rules: Rules, now: datetime
                 ) -> tuple[str, InlineKeyboardMarkup | None]:
    if not items:
        return _("No open case is past or near a deadline."), None
    lines = [_("⏰ <b>Past or near a deadline: {total}</b> (most urgent first)").format(
        total=total)]
    builder = InlineKeyboardBuilder()
    for item in items:
        department = rules.policy.department(item.department or "")
        minutes = int((now - item.due).total_seconds() // 60)
        timing = (_("{late} late").format(late=_duration(minutes)) if minutes >= 0 else
                  _("due in {left}").format(left=_duration(-minutes)))
        flag = "🔴" if minutes >= 0 else "🟡"
        lines.append(f"{flag} <b>{escape(item.number)}</b> · {severity_label(rules.policy, item.severity)} · "
                     f"{escape(department.name) if department else '—'} · "
                     f"{DEADLINES[item.clock]} {timing} · "
                     + _("owner: {owner}").format(owner=escape(item.owner or "—")))
        builder.button(text=_("Open {number}").format(number=item.number),
                       callback_data=SupervisorAction(action="view", case_id=item.case_id))
    sizes = [2] * ((len(items) + 1) // 2)
    added = _nav(builder, offset, total, PAGE, lambda o: SupervisorPage(page=o // PAGE))
    page, pages = offset // PAGE + 1, (total + PAGE - 1) // PAGE
    if pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=page, pages=pages))
    return "\n".join(lines), inline(builder.adjust(*sizes, added or 1))


def case_view(page: HistoryPage, rules: Rules, locale: str, now: datetime
              ) -> tuple[str, InlineKeyboardMarkup]:
    """The case's card as staff see it, plus the supervisors' own controls."""
    case = page.case
    lines = [card_text(case, rules, locale, page.names, now, audience=Audience.SUPERVISORS)]
    level = rules.policy.escalation[min(case.escalation_level, len(rules.policy.escalation) - 1)]
    lines.append(_("Escalation level: {level}").format(level=escape(level_label(level.code))))
    route = settled_by(case.closure)
    if route:
        lines.append(_("Settled outside: {route}").format(route=route))
    lines.append(_("History: {count} entries").format(count=page.total))
    return "\n".join(lines), case_actions(page, rules)


def case_actions(page: HistoryPage, rules: Rules) -> InlineKeyboardMarkup:
    """The steps the catalogue (``bot.actions.desk``) offers now, then history and files."""
    case, builder = page.case, InlineKeyboardBuilder()
    case_id = case.id or 0

    def add(text: str, action: str, version: int = 0) -> None:
        builder.button(text=text, callback_data=SupervisorAction(action=action, case_id=case_id,
                                                                 version=version))

    # The steps act on the case as this view shows it; the views (history, files) on
    # the case as it is.
    for entry, label, _arg in DESK.offered(case, Audience.SUPERVISORS, rules):
        add(label, entry.code, case.version)
    add(_("📜 History"), "history")
    if case.evidence:
        add(_("📎 Files ({count})").format(count=len(case.evidence)), "evidence")
    return InlineKeyboardMarkup(inline_keyboard=builder.adjust(2).export())


def choices(case: Case, action: str, options: list[tuple[str, str]]
            ) -> InlineKeyboardMarkup:
    """A sub-menu of the case view: one button per option (for the case as shown), and
    back."""
    builder, case_id = InlineKeyboardBuilder(), case.id or 0
    for arg, label in options:
        builder.button(text=label, callback_data=SupervisorAction(
            action=action, case_id=case_id, arg=arg, version=case.version))
    builder.button(text=_("↩️ Back"), callback_data=SupervisorAction(action="view",
                                                                   case_id=case_id, arg="here"))
    return inline(builder.adjust(2))


def _details(event: CaseEvent, rules: Rules) -> str:
    """The facts an event carries besides its note, in words."""
    data, action = event.data, event.action.value
    department = rules.policy.department(str(data.get("department") or ""))
    if action in ("assign", "transfer") and department:
        return "→ " + escape(department.name)
    if action == "propose":
        amount = f" {data['amount']} {data.get('currency', '')}" if data.get("amount") else ""
        return escape(staff_remedy_label(data.get("kind")) + amount)
    if action == "set_severity" and data.get("severity"):
        return "→ " + escape(severity_label(rules.policy, str(data["severity"])))
    if action in ("escalate", "de_escalate") and data.get("level"):
        return "→ " + escape(level_label(str(data["level"])))
    if action == "record_revisit" and data.get("rating") in RATINGS:
        return str(RATINGS[data["rating"]])
    if action == "close" and data.get("outcome"):
        return settled_by(str(data["outcome"])) or escape(str(data["outcome"]).replace("_", " "))
    if action == "add_evidence":
        return "📎 " + escape(str(data.get("kind", "")))
    if action == "add_capa" and data.get("root_cause"):
        return _("root cause: {cause}").format(cause=fit(str(data["root_cause"]), 150))
    return ""


def _event_line(number: int, event: CaseEvent, page: HistoryPage, rules: Rules,
                locale: str) -> str:
    role = event.actor.role.value
    who = page.names.get(event.actor.person_id or 0) or str(ROLES.get(role, role))
    if event.action.value in CUSTOMERS_STEPS and role not in ("customer", "system"):
        who = _("{name}, for the customer").format(name=who)  # the caller's answer, by phone
    label = _("filed the complaint") if event.action.value == "file" else EVENTS.get(
        event.action.value) or event.action.value
    head = (f"<b>{number}.</b> {when(event.at, rules.calendar.tz, locale)} · "
            f"<b>{fit(who, 60)}</b> ({ROLES.get(role, role)}) {label}")
    details = _details(event, rules)
    if details:
        head += f" {details}"
    if event.to_state is not event.from_state and event.to_state is not None:
        head += f" [{staff_state_label(event.to_state.value)}]"
    if event.note:
        head += "\n    «" + fit(event_note(event.note), ENTRY_LIMIT - min(len(head), 300) - 10) + "»"
    return head


def history_page(page: HistoryPage, rules: Rules, locale: str
                 ) -> tuple[str, InlineKeyboardMarkup | None]:
    case = page.case
    lines = [_("📜 <b>History of case {number}</b> ({first}–{last} of {total})").format(
        number=escape(str(case.number)), first=page.offset + 1 if page.events else 0,
        last=page.offset + len(page.events), total=page.total)]
    if case.evidence:
        lines.append(_("Files attached: {count}").format(count=len(case.evidence)))
    for index, event in enumerate(page.events, start=page.offset + 1):
        lines.append(_event_line(index, event, page, rules, locale))
    builder = InlineKeyboardBuilder()
    added = _nav(builder, page.offset, page.total, HISTORY_PAGE, lambda o: SupervisorAction(
        action="history", case_id=case.id or 0, arg="here", page=o))
    return "\n".join(lines), builder.as_markup() if added else None


def found_page(items: list[Found], total: int, query: str, rules: Rules, locale: str
               ) -> tuple[str, InlineKeyboardMarkup | None]:
    if not items:
        return _("Nothing found for «{query}».").format(query=fit(query, 100)), None
    lines = [_("🔎 Found {total} for «{query}»").format(total=total, query=fit(query, 100))]
    builder = InlineKeyboardBuilder()
    used, shown = len(lines[0]), 0
    for item in items:
        entry = (f"• <b>{escape(item.number)}</b> · {staff_state_label(item.state)} · "
                 f"{when(item.filed_at, rules.calendar.tz, locale)} · "
                 f"{fit(item.contact_name or '—', 60)}\n    «{fit(item.description, 140)}»")
        if used + len(entry) + 1 > FOUND_BUDGET:
            break  # the rest are counted in the last line, within Telegram's limit
        lines.append(entry)
        used, shown = used + len(entry) + 1, shown + 1
        builder.button(text=_("Open {number}").format(number=item.number),
                       callback_data=SupervisorAction(action="view", case_id=item.case_id))
    if total > shown:
        lines.append(_("…and {more} more. Search with more words to narrow it down.").format(
            more=total - shown))
    return "\n".join(lines), inline(builder.adjust(2))


def stats_text(stats: WeekStats, rules: Rules, locale: str) -> str:
    lines = [_("📊 <b>This week</b> (since {since})").format(
        since=when(stats.since, rules.calendar.tz, locale)),
        _("New cases: {count}").format(count=stats.new),
        _("Closed: {count}").format(count=stats.closed),
        _("Overdue now: {count}").format(count=stats.overdue)]
    if stats.answered:
        lines.append(_("Satisfaction: {rate}% satisfied ({satisfied} of {answered} survey "
                       "answers)").format(rate=round(100 * stats.satisfied / stats.answered),
                                          satisfied=stats.satisfied, answered=stats.answered))
        for code, label in RATINGS.items():
            if stats.ratings.get(code):
                lines.append(f"  • {label}: {stats.ratings[code]}")
    else:
        lines.append(_("Satisfaction: no survey answers yet this week."))
    return "\n".join(lines)
