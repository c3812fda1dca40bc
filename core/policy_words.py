"""Every rule of a policy in words, for ``complaint-desk check-config`` (issue 19): the
person who edits an organisation file reads what the bot will do, key by key. Each line
starts with the key it describes; a test holds that every key of the model has one."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from core.policy import Deadline, Policy


def _money(amount: Decimal | None, currency: str) -> str:
    return "no limit" if amount is None else f"{amount} {currency}"


def _some(items: Iterable[str], none: str = "none") -> str:
    words = ", ".join(items)
    return words or none


def _when(head: str, conditions: list[str], none: str) -> str:
    return head + " or ".join(conditions) if conditions else none


def describe(policy: Policy) -> list[str]:
    major, serious, validity, currency = policy.major, policy.serious, policy.validity, \
        policy.currency
    hours = policy.calendar
    lines = [
        f"name: {policy.name}",
        f"source: {policy.source or 'not given'}",
        f"currency: amounts are in {currency}",
        f"calendar: time zone {hours.timezone}; public holidays of "
        f"{hours.country or 'no country'}"
        + ("" if hours.observe_public_holidays else " not observed (open on them)"),
        "departments: " + _some(f"{d.code} ({d.name})" for d in policy.departments),
        "categories: " + "; ".join(
            f"{c.code} -> {c.department}"
            + (", asks the product" if c.needs_product else "")
            + (f", {c.revisits} revisit(s)" if c.revisits is not None else "")
            + (f", revisit within {c.revisit_within.in_words()}" if c.revisit_within else "")
            for c in policy.categories),
        "sla: the deadlines" + ("; departments report progress"
                                if Deadline.PROGRESS in policy.sla else ""),
        *(f"  {clock.value} {value}: {value.in_words()}" for clock, value in policy.sla.items()),
        f"warn_before: staff are warned {policy.warn_before.in_words()} before a deadline",
        f"revisits_default: {policy.revisits_default} satisfaction survey(s) unless a "
        "category says otherwise",
        "escalation: " + " -> ".join(
            f"{level.code} (grants up to {_money(level.compensation_limit, currency)}"
            + (f", returns up to {_money(level.return_limit, currency)}"
               if level.return_limit is not None else "")
            + (f", {level.return_approvers} of them sign a return" if level.return_approvers > 1
               else "") + ")"
            for level in policy.escalation),
        "major: " + _when("major at once when ", [
             *([f"more than {major.compensation_over} {currency} is claimed"]
               if major.compensation_over is not None else []),
             *([f"at least {major.batch_units_at_least} units are affected"]
               if major.batch_units_at_least is not None else []),
             *([f"at least {major.complainants_at_least} people complain together"]
               if major.complainants_at_least is not None else []),
             *([f"the story names: {', '.join(sorted(t.value for t in major.triggers))}"]
               if major.triggers else [])], "no complaint is major by itself")
        + (f"; leadership must take it up within {major.alert_within.in_words()}, or the "
           "alert is repeated" if major.alert_within else "; the alert is not repeated"),
        "serious: " + _when("serious when ", [
             *([f"more than {serious.compensation_over} {currency} is claimed"]
               if serious.compensation_over is not None else []),
             *([f"the story names: {', '.join(sorted(t.value for t in serious.triggers))}"]
               if serious.triggers else [])], "no complaint is serious by itself"),
        "validity: " + "; ".join([
            f"complaints within {validity.window_days} days of delivery (the delivery date "
            "is asked)" if validity.window_days else "no window after delivery",
            ("evidence is required" + (f", within {validity.evidence_late_days} days of the "
                                       "complaint" if validity.evidence_late_days else ""))
            if validity.evidence_required else "evidence is not required",
            "a concrete demand is required" if validity.demand_required
            else "the demand may be skipped"]),
        "desk_step: " + ("the desk checks every case first" if policy.desk_step
                         else "cases go straight to the category's department"),
        "every_solution_approved: " + (
            "every plan goes to the rung above its proposer" if policy.every_solution_approved
            else "only plans beyond the proposer's limits need approval"),
        "agreed_time_prevails: " + (
            "a time agreed with the customer replaces the case's deadlines"
            if policy.agreed_time_prevails else "the policy's deadlines hold"),
        "implementation_review: " + (
            f"work reported carried out waits for a {policy.implementation_review} or above"
            if policy.implementation_review else "whoever carried it out says so"),
        "extension_to: " + (f"a supervisor may extend a case to {policy.extension_to} "
                            f"({policy.extension_to.in_words()}) after filing"
                            if policy.extension_to else "no extensions"),
        "digest_time: " + (f"daily digest at {policy.digest_time}" if policy.digest_time
                           else "no daily digest"),
        "severity_labels: " + _some(f"{code} is called {name.value}"
                                    for code, name in policy.severity_labels.items()),
        "outside_routes: " + _some(route.value for route in policy.outside_routes),
        "late_survey_reopen_days: " + (
            f"a late dissatisfied survey answer reopens within "
            f"{policy.late_survey_reopen_days} days" if policy.late_survey_reopen_days
            else "a late survey answer is recorded, never reopens"),
        "acceptable_closes: " + ("'it is acceptable' closes a case" if policy.acceptable_closes
                                 else "only satisfied or very satisfied close a case"),
        "customer_hours: " + (f"the bot starts nothing with a customer outside "
                              f"{policy.customer_hours}" if policy.customer_hours
                              else "at any hour"),
    ]
    return lines
