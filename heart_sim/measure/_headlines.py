"""Headline cards: the few numbers a reader needs first, each in a plain sentence.

A card is a title, a value with its 95% interval, and one sentence saying what the number
means; the HTML reports, the notebook views of ``Results`` and ``Comparison`` and the
workbook all take their words from here. Every number is formatted by the metric catalog
(``formatting``); nothing here computes a statistic of its own beyond sharing out the
calls HEART missed by reason.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import TypeGuard

import pandas as pd

from ..core import FALLBACKS, Outcome
from ._catalog import metric
from ._formatting import NO_INTERVAL, breakable, fmt_record, fmt_value

# The cards' look, shared by the HTML reports and the notebook views.
CARD_CSS = """
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr));
         gap: 0.8em; margin: 1em 0; }
.card { border: 1px solid #ccd; border-left: 5px solid #1d3557; border-radius: 4px;
        padding: 0.6em 0.8em; background: #f8f9fc; break-inside: avoid; }
.card-title { font-size: 0.85em; color: #444; font-weight: 600; overflow-wrap: anywhere; }
.card-value { font-size: 1.6em; font-weight: 700; color: #1d3557; }
.card-ci { font-size: 0.8em; color: #555; }
.card p { font-size: 0.85em; margin: 0.4em 0 0; }
"""


def cards_html(cards: list[Card], heading: str = "") -> str:
    """Cards as one self-contained HTML fragment (for a notebook cell's output)."""
    head = f"<p><b>{html.escape(heading)}</b></p>" if heading else ""
    body = "".join(c.html() for c in cards)
    return f"<div><style>{CARD_CSS}</style>{head}<div class='cards'>{body}</div></div>"


@dataclass(frozen=True)
class Card:
    """One headline: ``value`` and ``interval`` are formatted text; ``sentence`` says what
    it means in words."""

    title: str
    value: str
    interval: str
    sentence: str

    def html(self) -> str:
        e = html.escape
        return (
            f"<div class='card'><div class='card-title'>"
            f"{breakable(self.title)}</div>"
            f"<div class='card-value'>{e(self.value)}</div>"
            f"<div class='card-ci'>{e(self.interval)}</div>"
            f"<p>{e(self.sentence)}</p></div>"
        )


def _ok(x: object) -> TypeGuard[float]:
    return isinstance(x, int | float) and not math.isnan(x)


class _Summary:
    """A run's summary table, read by metric name."""

    def __init__(self, summary: pd.DataFrame):
        self.idx = summary.set_index("metric")

    def mean(self, name: str) -> float:
        return float(self.idx.loc[name, "mean"]) if name in self.idx.index else math.nan

    def value(self, name: str) -> str:
        return fmt_value(name, self.mean(name))

    def interval(self, name: str) -> str:
        """'95% interval: 20.5% to 20.8%', or why there is none."""
        if name not in self.idx.index:
            return ""
        lo, hi = self.idx.loc[name, "ci_low"], self.idx.loc[name, "ci_high"]
        if not (_ok(lo) and _ok(hi)):
            return NO_INTERVAL
        return f"95% interval: {fmt_value(name, lo)} to {fmt_value(name, hi)}"

    def card(self, name: str, title: str, sentence: str) -> Card:
        return Card(title, self.value(name), self.interval(name), sentence)


_WHY_MISSED = {
    Outcome.FALLBACK_OUT_OF_HOURS: "came when the program they needed was closed",
    Outcome.FALLBACK_OUT_OF_AREA: "came from outside the program's area",
    Outcome.FALLBACK_NO_UNIT: "found no team free in time",
    Outcome.FALLBACK_REFERRED: "were sent to police/EMS by the CCD clinician's decision",
    Outcome.CALLER_HUNG_UP: "hung up while holding for a CCD clinician",
}


def missed_by_reason(summary: pd.DataFrame) -> list[tuple[Outcome, float]]:
    """Each reason's share of the calls HEART missed (sent to police/EMS for one of the
    fallback reasons, or the caller hung up), largest first."""
    s = _Summary(summary)
    shares = [(o, s.mean(f"{o.key}_share")) for o in (*FALLBACKS, Outcome.CALLER_HUNG_UP)]
    total = sum(v for _, v in shares if _ok(v))
    if total <= 0:
        return []
    return sorted(((o, v / total) for o, v in shares if _ok(v)), key=lambda p: -p[1])


def run_cards(summary: pd.DataFrame) -> list[Card]:
    """The headline cards of one run: the calls HEART handled and diverted, the service
    it gave, what it cost and the police time left, how busy CRT was."""
    s = _Summary(summary)
    cards = _reach_cards(s, _why_missed(summary)) + _cost_cards(s)
    if _ok(s.mean("crt_utilization")):
        cards.append(
            s.card(
                "crt_utilization",
                "How busy CRT teams were",
                "Share of the time CRT teams were on shift and available that they spent on "
                "calls (travel, on scene, wrap-up).",
            )
        )
    return cards


def _why_missed(summary: pd.DataFrame) -> str:
    """' Of the calls it missed, 40% came when ...; 30% ...; 20% ....': the three largest
    reasons HEART missed calls, or '' when it missed none."""
    missed = missed_by_reason(summary)
    if not missed:
        return ""
    first, share = missed[0]
    rest = "; ".join(f"{fmt_value('diversion_rate', v)} {_WHY_MISSED[o]}" for o, v in missed[1:3])
    lead = f" Of the calls it missed, {fmt_value('diversion_rate', share)} {_WHY_MISSED[first]}"
    return lead + (f"; {rest}." if rest else ".")


def _reach_cards(s: _Summary, why: str) -> list[Card]:
    """The calls HEART handled (``why``: the reasons it missed the others) and diverted,
    the CRT response time and the calls CCD could not answer."""
    cards = [
        s.card(
            "heart_response_rate",
            "Eligible calls HEART handled",
            "Share of eligible 911 behavioral-health calls handled by a HEART program (CCD by "
            f"phone, CRT or Co-Response in person).{why}",
        ),
        s.card(
            "diverted_per_year",
            "Calls diverted from police, per year",
            f"{s.value('diversion_rate')} of eligible calls ended with no police: resolved by a "
            "CCD clinician on the phone or served by a CRT team.",
        ),
    ]
    if _ok(s.mean("crt_response_time")):
        cards.append(
            s.card(
                "crt_response_time",
                "CRT response time (minutes)",
                "Mean minutes from the dispatch request to a CRT team on scene; 9 in 10 "
                f"arrived within {s.value('crt_response_time_p90')} minutes.",
            )
        )
    if _ok(s.mean("ccd_unanswered_share")):
        cards.append(
            s.card(
                "ccd_unanswered_share",
                "Calls CCD could not answer",
                "Share of the calls sent to a CCD clinician that no clinician answered in time "
                "(911 took them back, or the caller hung up).",
            )
        )
    return cards


def _cost_cards(s: _Summary) -> list[Card]:
    """The programs' annual cost (where there is one), the net cost after police time
    saved (where police time is priced), and the police time still spent."""
    cards = []
    if _ok(s.mean("cost_total_annual")) and s.mean("cost_total_annual") > 0:
        per = s.mean("cost_per_diverted_call")
        per_text = (
            f"{s.value('cost_per_diverted_call')} per diverted call and "
            f"{s.value('cost_per_heart_response')} per HEART response"
            if _ok(per)
            else f"{s.value('cost_per_heart_response')} per HEART response (no calls "
            "were diverted, so a cost per diverted call is not defined)"
        )
        cards.append(
            s.card(
                "cost_total_annual",
                "Annual cost of the programs",
                f"Staff (with leave and overtime), vehicles and other fixed costs: {per_text}.",
            )
        )
    if _ok(s.mean("net_cost_annual")):
        cards.append(
            s.card(
                "net_cost_annual",
                "Net annual cost after police time saved",
                f"The calls HEART handled would have taken police time worth "
                f"{s.value('police_cost_avoided_annual')} a year (at the scenario's cost of an "
                "officer-hour); the annual cost less that.",
            )
        )
    cards.append(
        s.card(
            "police_hours_per_year",
            "Police time still spent on these calls",
            "Officer hours a year on eligible calls sent to police/EMS "
            f"({s.value('police_calls_per_year')} calls a year).",
        )
    )
    return cards


def _more_or_less(name: str, r: dict, more: str = "more", less: str = "less") -> str:
    """'$1,382,199 more ($1,380,930 to $1,383,468)' or '$16,173 less (...)': a signed
    difference said in words, its interval in the same direction."""
    mean = r.get(name)
    if not _ok(mean):
        return "n/a"
    lo, hi = r.get(f"{name}_ci_low"), r.get(f"{name}_ci_high")
    word = more if mean >= 0 else less
    sign = 1 if mean >= 0 else -1
    text = f"{fmt_value(name, sign * mean)} {word}"
    if _ok(lo) and _ok(hi):
        a, b = sorted((sign * lo, sign * hi))
        text += f" ({fmt_value(name, a, signed=a < 0)} to {fmt_value(name, b, signed=a < 0)})"
    return text


def _trade_offs(differences: pd.DataFrame | None, name: str) -> str:
    """What else the option changes that a budget reader should weigh: the CRT response
    time and the calls finding no team free, where they change significantly."""
    if differences is None:
        return ""
    d = differences[differences["scenario"] == name].set_index("metric")
    said = []
    for m, what in (
        ("crt_response_time", "the mean CRT response time"),
        ("fallback_no_unit_share", "the share of calls finding no team free"),
    ):
        if m in d.index and d.loc[m, "significance"] == "significant":
            said.append(
                f"{what} goes from {fmt_value(m, d.loc[m, 'base_mean'])} to "
                f"{fmt_value(m, d.loc[m, 'alt_mean'])}"
            )
    return (" Also: " + "; ".join(said) + ".") if said else ""


# Why a call moves between "out of hours" and "out of area" when a program's hours change.
REASON_ORDER = (
    "A call a team cannot take is counted under the first reason found: the team off duty "
    "(out of hours) is checked before where the call is (out of area). Opening a program at "
    'more hours therefore moves calls from outside its area from "out of hours" to "out '
    'of area": they were never within its reach, so that share rises while the calls sent '
    "to police/EMS fall only by the calls the team now takes."
)


def _unchanged(r: dict, name: str) -> bool:
    """The option leaves ``name`` exactly as the base has it (0, interval 0 to 0): e.g. a
    Co-Response option's diverted calls, since CoR brings an officer."""
    return all(r.get(k) == 0 for k in (name, f"{name}_ci_low", f"{name}_ci_high"))


def what_changes(r: dict) -> str:
    """What an option of a comparison changes against the base: 'diverted' (calls diverted
    from police), 'responses' (HEART responses only, as a Co-Response option does), 'both'
    or 'neither'."""
    diverted = not _unchanged(r, "extra_diverted")
    responses = not _unchanged(r, "extra_heart_responses")
    if diverted and responses:
        return "both"
    return "diverted" if diverted else ("responses" if responses else "neither")


def headline_rank(costs: pd.DataFrame, base: str) -> str:
    """The cost-table measure a comparison's options are ranked by when the user names
    none: calls diverted, unless no option changes them and some change HEART responses."""
    kinds = {what_changes(r) for r in costs[costs["scenario"] != base].to_dict("records")}
    if kinds and kinds <= {"responses", "neither"} and "responses" in kinds:
        return "heart_responses_per_year"
    return "diverted_per_year"


def _responses_card(name: str, base: str, r: dict, differences: pd.DataFrame | None) -> Card:
    """The card of an option that adds HEART responses and diverts no more calls."""
    net = r.get("extra_net_cost")
    net_text = (
        f" It saves police time worth {fmt_record(r, 'police_cost_saved')} a year; net of "
        f"that it costs {_more_or_less('extra_net_cost', r)} a year."
        if _ok(net)
        else ""
    )
    dollars = r.get("extra_cost")
    money = (
        f"for {fmt_value('extra_cost', abs(dollars))} {'more' if dollars >= 0 else 'less'} a year"
        if _ok(dollars)
        else ""
    )
    return Card(
        f"{name}: extra HEART responses a year",
        fmt_value("extra_heart_responses", r.get("extra_heart_responses"), signed=True),
        money,
        f"Against {base}: {_more_or_less('extra_heart_responses', r, 'more', 'fewer')} HEART "
        f"responses a year, for {_more_or_less('extra_cost', r)} a year: "
        f"{fmt_record(r, 'marginal_cost_per_extra_response')} per extra HEART response. It "
        "diverts no more calls from police: Co-Response brings an officer, so its calls are "
        f"not diverted.{net_text}{_trade_offs(differences, name)}",
    )


def option_cards(
    costs: pd.DataFrame,
    base: str,
    rank_by: str = "diverted_per_year",
    differences: pd.DataFrame | None = None,
) -> list[Card]:
    """One card per alternative of a comparison, in the order of ``ranked``: what it adds
    over the base (extra calls diverted, or extra HEART responses for an option that only
    adds responses: ``what_changes``), at what cost, and what else it changes."""
    cards = []
    rows = {str(r["scenario"]): r for r in costs.to_dict("records")}
    for name in ranked(costs, base, rank_by):
        r = rows[name]
        if what_changes(r) == "responses":
            cards.append(_responses_card(name, base, r, differences))
            continue
        identical = _unchanged(r, "extra_diverted")
        extra = "no more" if identical else _more_or_less("extra_diverted", r, "more", "fewer")
        cost = _more_or_less("extra_cost", r)
        marginal = r.get("marginal_cost_per_extra_diverted")
        status = str(r.get("marginal_cost_per_extra_diverted_status", ""))
        if status in ("no_change", "unclear") or not _ok(marginal):
            per_response = fmt_record(r, "marginal_cost_per_extra_response")
            why = (
                "Co-Response brings an officer, so its calls are not diverted"
                if identical
                else "the extra diverted calls are not clearly above zero"
            )
            ratio = (
                f" A cost per extra diverted call is not defined ({why}); per extra HEART "
                f"response it costs {per_response}."
            )
        else:
            each = fmt_record(r, "marginal_cost_per_extra_diverted")
            ratio = f" That is {each} per extra call diverted."
        if what_changes(r) == "both":
            ratio += (
                f" It also brings {_more_or_less('extra_heart_responses', r, 'more', 'fewer')}"
                " HEART responses a year."
            )
        net = r.get("extra_net_cost")
        net_text = (
            f" It saves police time worth {fmt_record(r, 'police_cost_saved')} a year; net of "
            f"that it costs {_more_or_less('extra_net_cost', r)} a year."
            if _ok(net)
            else ""
        )
        dollars = r.get("extra_cost")
        more_or_less = "more" if _ok(dollars) and dollars >= 0 else "less"
        money = (
            f"for {fmt_value('extra_cost', abs(dollars))} {more_or_less} a year"
            if _ok(dollars)
            else ""
        )
        cards.append(
            Card(
                f"{name}: extra calls diverted a year",
                fmt_value("extra_diverted", r.get("extra_diverted"), signed=True),
                money,
                f"Against {base}: {extra} calls diverted a year, for {cost} a year."
                f"{ratio}{net_text}{_trade_offs(differences, name)}",
            )
        )
    return cards


def ranked(costs: pd.DataFrame, base: str, rank_by: str = "diverted_per_year") -> list[str]:
    """The alternatives of a comparison, best first by ``rank_by`` (a column of the cost
    table; higher first where the catalog says higher is better, else lower first)."""
    if rank_by not in costs:
        raise KeyError(rank_by)
    alts = costs[costs["scenario"] != base]
    higher = metric(rank_by).higher_is_better is not False
    order = alts.sort_values(rank_by, ascending=not higher, na_position="last", kind="stable")
    return [str(s) for s in order["scenario"]]
