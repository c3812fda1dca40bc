"""Words and buttons of /invite and /staff, and the notice that someone joined."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.input.callbacks import InviteStep, StaffEdit
from bot.views.dates import when
from bot.views.keyboards import inline
from bot.views.labels import level_label
from bot.views.notice_registry import Rendered, renders
from bot.views.render import escape
from core.notices import StaffJoined
from core.organisation import Organisation, StaffMember
from core.policy import Policy

ROLE_LABELS = {
    "specialist": __("customer-service desk"),
    "department": __("department staff"),
    "supervisor": __("supervisor"),
}


def describe(role: str, department: str | None, level: str | None, policy: Policy) -> str:
    """E.g. "department staff · Quality · complaint specialist"."""
    parts = [str(ROLE_LABELS.get(role, role))]
    found = policy.department(department) if department else None
    if department:
        parts.append(found.name if found else department)
    if level:
        parts.append(level_label(level))
    return escape(" · ".join(parts))


def invitation_text(link: str, role: str, department: str | None, level: str | None,
                    expires_at: datetime, policy: Policy, tz: ZoneInfo, locale: str) -> str:
    return _("Invitation to join as {who}:\n{link}\n\nIt can be opened once, until {until}. "
             "Send it only to the person who should join.").format(
        who=describe(role, department, level, policy), link=link,
        until=when(expires_at, tz, locale))


def invite_step(step: InviteStep, policy: Policy) -> tuple[str, InlineKeyboardMarkup]:
    """The question and buttons for the next field an invitation still lacks."""
    builder = InlineKeyboardBuilder()
    if not step.role:
        for role, label in ROLE_LABELS.items():
            builder.button(text=str(label), callback_data=InviteStep(role=role))
        return _("Whom do you want to invite?"), inline(builder.adjust(1))
    if step.role == "department" and step.department < 0:
        for index, department in enumerate(policy.departments):
            builder.button(text=department.name,
                           callback_data=step.model_copy(update={"department": index}))
        return _("Which department?"), inline(builder.adjust(2))
    for index, rung in enumerate(policy.escalation):
        builder.button(text=level_label(rung.code),
                       callback_data=step.model_copy(update={"level": index}))
    return _("At which rung of the escalation chain?"), inline(builder.adjust(1))


def roster_text(members: list[StaffMember], policy: Policy) -> str:
    if not members:
        return _("Nobody is listed as staff yet. /invite adds someone.")
    lines = [_("Staff ({count}). The buttons change someone's rung or remove them; "
               "/invite adds someone.").format(count=len(members))]
    lines += [f"• {escape(m.name)} — {describe(m.role, m.department, m.level, policy)}"
              for m in members]
    return "\n".join(lines)


def roster_keyboard(members: list[StaffMember]) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    for m in members[:49]:  # two buttons each, within Telegram's 100 a keyboard
        builder.button(text=f"🪜 {m.name}", callback_data=StaffEdit(op="rung",
                                                                   telegram_id=m.telegram_id))
        builder.button(text=f"🗑 {m.name}", callback_data=StaffEdit(op="remove",
                                                                   telegram_id=m.telegram_id))
    return inline(builder.adjust(2)) if members else None


def rung_step(member: StaffMember, policy: Policy) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for index, rung in enumerate(policy.escalation):
        mark = "✓ " if rung.code == member.level else ""
        builder.button(text=mark + level_label(rung.code),
                       callback_data=StaffEdit(op="set", telegram_id=member.telegram_id,
                                               level=index))
    builder.button(text=_("« Back"), callback_data=StaffEdit(op="list"))
    return (_("Which rung for {name}?").format(name=escape(member.name)),
            inline(builder.adjust(1)))


def welcome(member: StaffMember, organisation: Organisation) -> str:
    return _("Welcome to {organisation}, {name}: you are now staff — {who}. You work from "
             "the task cards in your group.").format(
        organisation=escape(organisation.name), name=escape(member.name),
        who=describe(member.role, member.department, member.level, organisation.policy))


@renders(StaffJoined)
def staff_joined(notice: StaffJoined, policy: Policy) -> Rendered:
    return _("👋 {name} joined as {who}.").format(
        name=escape(notice.name),
        who=describe(notice.role, notice.department or None, notice.level or None, policy)
    ), None
