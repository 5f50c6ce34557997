"""Time expressions: find dates in text and resolve them against a reference date.

Two cheap literal scans find *anchors* (numbers, month and weekday names, a
few keywords such as "yesterday" or "week"); one compiled alternation regex is
then tried only at each anchor and at the few lead words just before it.  Each
alternative is a *shape* ("24 August 2019", "between 23 and 26 August", "last
Tuesday") and a small resolver turns its groups into an ISO value of the right
precision.
Spans never include a leading preposition ("On 24 August 2019" → "24 August
2019", "between 23 and 26 August" → "23 and 26 August") but do include the
words that change the meaning ("last May", "earlier this month", "mid-2020").

Resolution conventions (the reference is the publication date, or else the
first full date in the text — see ``reference_date``):

* Day and month without a year ("24 August", "in May") take the reference
  year, even when they fall after the reference: no guessing of the previous
  year.  Without a reference they stay unresolved (``value`` None).
* "last May" is the previous year's May when May is the reference month or
  later, else this year's; "next May" mirrors it; "this May" is the reference
  year.  "May of this/last/next year" is explicit.
* A bare weekday ("Tuesday", "on Tuesday") is the most recent such day on or
  before the reference (the reference itself when it is a Tuesday); "last
  Tuesday" is strictly before it, "next Tuesday" strictly after it, "this
  Tuesday" the Tuesday of the reference's Monday-to-Sunday week.  Tense is not
  considered: "will meet on Tuesday" still resolves backwards.
* Week expressions ("last week", "earlier this week", "three weeks ago") have
  month precision: the month that holds most days of the week meant (for a
  whole week, the month of its Thursday).
* "the day before", "the previous day", "the next day", "the same day" are
  anaphoric: they count from the last day-precision date found earlier in the
  text, and from the reference only when there is none (rules say which).
* Unresolvable expressions are still returned, with ``value`` and
  ``precision`` None, so callers can tell "no date" from "a date we cannot
  place".
"""

from __future__ import annotations

import calendar
import heapq
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from communique.model import Span, TimeValue

__all__ = [
    "TimeExpression",
    "find_time_expressions",
    "reference_date",
    "parse_published",
]

PRECISIONS = ("day", "month", "year")


@dataclass(frozen=True, slots=True)
class TimeExpression:
    span: Span
    text: str
    value: str | None
    precision: str | None
    end: str | None
    kind: str  # absolute | partial | relative | range
    rule: str

    def to_time_value(self) -> TimeValue:
        if self.value is None or self.precision is None:
            raise ValueError(
                f"time expression {self.text!r} ({self.rule}) has no resolved value; "
                "filter on `value is not None` before converting"
            )
        return TimeValue(self.value, self.precision, self.span, self.end, self.rule)


# --- vocabulary ---------------------------------------------------------------

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December")
_MONTH_ABBREVIATIONS = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7,
                        "Aug": 8, "Sep": 9, "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12}
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NUMBER_WORDS = ("a", "an", "one", "two", "three", "four", "five", "six", "seven",
                 "eight", "nine", "ten", "eleven", "twelve")

_MONTH_NUMBER = {name.lower(): i for i, name in enumerate(_MONTH_NAMES, 1)}
_MONTH_NUMBER.update({name.lower(): n for name, n in _MONTH_ABBREVIATIONS.items()})
_WEEKDAY_NUMBER = {name.lower(): i for i, name in enumerate(_WEEKDAY_NAMES)}
_NUMBER_VALUE = {w: (1 if w in ("a", "an") else i - 1) for i, w in enumerate(_NUMBER_WORDS)}


def _title_or_upper(words) -> str:
    # Case-sensitive on purpose: "may" and "march" in lower case are not months.
    forms = sorted({f for w in words for f in (w, w.upper())}, key=len, reverse=True)
    return "|".join(forms)


# --- the pattern ----------------------------------------------------------------

# Whitespace, at most one line break (hard-wrapped text) but never a blank line.
_S = r"(?:[^\S\n]*\n[^\S\n]*|[^\S\n]+)"
_DASH = r"[-\u2010\u2011\u2012\u2013\u2014]"
_TO = rf"(?:{_S}?{_DASH}{_S}?|{_S}(?:to|and|until|till|through|thru){_S})"

_FULL_MONTH = rf"(?:{_title_or_upper(_MONTH_NAMES)})\b"
_ANY_MONTH = rf"(?:{_FULL_MONTH}|(?:{_title_or_upper(_MONTH_ABBREVIATIONS)})(?:\.|\b))"
_WEEKDAY = rf"\b(?:{_title_or_upper(_WEEKDAY_NAMES)})\b"
# Not "1960s" (a decade) nor "2019.5".
_YEAR_DIGITS = r"(?:19|20)\d\d(?!\d|[.,]\d|['\u2019]?s\b)"
_DAY_DIGITS_AFTER_SEPARATOR = r"(?<!\d)[0-3]?\d(?:st|nd|rd|th)?(?![\d%:]|[.,]\d)"
# Not inside "COVID-19", "1,000", "3.5", "10:30" or "+44".
_DAY_DIGITS = r"(?<![\w\-\u2010-\u2014.,/:+])" + _DAY_DIGITS_AFTER_SEPARATOR
_NUMBER = rf"(?:\d{{1,3}}|(?i:{'|'.join(_NUMBER_WORDS)}))"

# Prepositions that introduce a date: matched once, before every shape, and
# left out of the span.  "the" is consumed only before a day number ("on the 24th").
_LEADS = ("on", "in", "since", "from", "until", "till", "by", "before", "after", "during",
          "throughout", "through", "between", "of", "around", "as of", "starting", "beginning",
          "ending", "dated", "to", "the year", "and", "or")
_LEAD = (rf"(?:\b(?P<lead>(?i:{'|'.join(w.replace(' ', _S) for w in _LEADS)})){_S}"
         rf"(?P<the>(?i:the){_S}(?=\d))?)?(?P<at>)")
# A bare year or month ("in 2019", "since May") counts only after one of
# these, or after "and"/"or" right behind another date ("in 2013 and 2015").
_YEAR_LEADS = frozenset({"in", "since", "by", "of", "during", "until", "till", "before", "after",
                         "through", "throughout", "from", "around", "as of", "the year"})
_MONTH_LEADS = (_YEAR_LEADS - {"the year"}) | {"starting", "beginning", "ending", "between"}
_LIST_LEADS = frozenset({"and", "or"})
# After these a number is as often a quantity ("of 2000 people", "by 2000 votes"):
# a bare year after them must not be followed by a word other than these.
_QUANTITY_LEADS = frozenset({"of", "by", "from", "around", "before", "after", "through"})
_WORDS_AFTER_A_YEAR = frozenset(
    "and or to when as but while after before until the it he she we they its their a an in on "
    "at with for onwards onward".split())
_MODIFIER = (rf"(?:(?i:early|late){_S}|(?i:mid|end){_S}?-{_S}?|(?i:mid){_S}"
             rf"|(?:(?i:the){_S})?(?i:end|beginning|start|middle){_S}of{_S})")
_WEEKDAY_PREFIX = rf"(?:(?P<wd>{_WEEKDAY}),?{_S})?"
_OF = rf"(?:{_S}of)?"
_NEXT_WORD = rf"(?:(?={_S}(?P<next>[a-z]+)))?"

# Words that may stand before the token a date is found by (its anchor):
# leads, modifiers and counts.  Attempts start at these and at the anchor only.
_PREFIX_WORDS = frozenset(
    {w for lead in _LEADS for w in lead.split()}
    | {"early", "late", "mid", "end", "start", "middle", "earlier", "later",
       "last", "next", "this", "coming", "the", "previous", "following", "same"}
    | set(_NUMBER_WORDS)
)
_SEPARATORS = frozenset(" \t\n\u00a0\u2009\u202f-\u2010\u2011\u2012\u2013\u2014")
# Every date shape holds an anchor: a number, a month or weekday name, or one
# of the keywords.  Patterns made only of literal alternatives let the regex
# engine skip ahead on the first character; two such scans (one of them
# starting with rare capitals and digits) are several times cheaper than one
# mixed pattern.
_KEYWORDS = ("yesterday", "today", "tonight", "tomorrow", "day", "night", "morning",
             "afternoon", "evening", "week", "month", "year")
_NAME_OR_NUMBER_ANCHOR = re.compile("|".join([
    *(f"{digit}[0-9]*" for digit in range(10)),
    _title_or_upper([*_MONTH_NAMES, *_MONTH_ABBREVIATIONS, *_WEEKDAY_NAMES]),
]))
_KEYWORD_ANCHOR = re.compile("|".join(sorted({f for w in _KEYWORDS for f in (w, w.capitalize())},
                                             key=len, reverse=True)))


def _anchors(text: str):
    """Start offsets of anchors that begin a word, in order."""
    starts = heapq.merge((m.start() for m in _NAME_OR_NUMBER_ANCHOR.finditer(text)),
                         (m.start() for m in _KEYWORD_ANCHOR.finditer(text)))
    for start in starts:
        if start == 0 or not text[start - 1].isalnum():
            yield start


def _alternatives() -> list[tuple[str, str]]:
    """(rule, pattern) in priority order: at one position the first that matches wins.

    Each pattern starts after the shared lead; resolvers check the lead where a
    shape needs one (a bare year, a bare month)."""
    D, D1 = (rf"(?P<{n}>{_DAY_DIGITS})" for n in ("d", "d1"))
    D2 = rf"(?P<d2>{_DAY_DIGITS_AFTER_SEPARATOR})"
    M, M1, M2 = (rf"(?P<{n}>{_ANY_MONTH})" for n in ("m", "m1", "m2"))
    FM, FM1, FM2 = (rf"(?P<{n}>{_FULL_MONTH})" for n in ("m", "m1", "m2"))
    Y, Y1, Y2 = (rf"(?P<{n}>{_YEAR_DIGITS})" for n in ("y", "y1", "y2"))
    OY, OY1, OY2 = (rf"(?:,?{_S}{y})?" for y in (Y, Y1, Y2))
    SEP = rf"(?P<sep>{_TO})"
    NOT_POSSESSIVE = r"(?!['\u2019]s\b)"
    return [
        ("iso", r"(?<![\w\-.])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)"),
        ("dotted-dmy", r"(?<![\w\-.,])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>(?:19|20)\d\d)(?!\d|\.\d)"),
        ("range-dm-dm", rf"{D1}{_OF}{_S}{M1}{OY1}{SEP}{D2}{_OF}{_S}{M2}{OY2}"),
        ("range-md-md", rf"{M1}{_S}{D1}{OY1}{SEP}{M2}{_S}{D2}{OY2}"),
        ("range-dmy", rf"{D1}{_TO}{D2}{_OF}{_S}{M}{OY}"),
        ("range-mdy", rf"{M}{_S}{D1}{_TO}{D2}{OY}"),
        ("range-months", rf"{FM1}{SEP}{FM2}{OY}"),
        ("range-years", rf"{Y1}{SEP}(?P<y2>(?:19|20)?\d\d)(?!\d|[.,]\d|['\u2019]?s\b){_NEXT_WORD}"),
        ("dmy", rf"{_WEEKDAY_PREFIX}{D}{_OF}{_S}{M},?{_S}{Y}"),
        ("mdy", rf"{_WEEKDAY_PREFIX}{M}{_S}{D},?{_S}{Y}"),
        ("dm-in-reference-year", rf"{_WEEKDAY_PREFIX}{D}{_OF}{_S}{M}"),
        ("md-in-reference-year", rf"{_WEEKDAY_PREFIX}{M}{_S}{D}"),
        ("month-of-relative-year", rf"(?:{_MODIFIER})?{FM}{_S}(?:of{_S})?"
                                   rf"(?P<which>(?i:this|last|next)){_S}year\b"),
        ("month-year", rf"(?:{_MODIFIER})?{M}(?:,|{_S}of)?{_S}{Y}"),
        ("relative-month-name", rf"(?P<which>(?i:last|next|this)){_S}{FM}{NOT_POSSESSIVE}"),
        ("month-in-reference-year", rf"(?P<mod>{_MODIFIER})?{FM}{NOT_POSSESSIVE}"),
        ("modified-year", rf"{_MODIFIER}{Y}"),
        ("year-in-context", rf"{Y}(?!{_S}?{_DASH}{_S}?\d){_NEXT_WORD}"),
        ("weekday", rf"(?:(?P<which>(?i:last|next|this|coming)){_S})?(?P<w>{_WEEKDAY})"),
        ("deictic-day", r"(?<!USA\s)\b(?P<word>(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|"
                        r"yesterday|today|tonight|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening)))\b"),
        ("anaphoric-day", r"\b(?P<word>(?i:the\s+day\s+before|the\s+previous\s+day|the\s+day\s+after|"
                          r"the\s+next\s+day|the\s+following\s+day|the\s+same\s+day))\b"
                          r"(?!\s+(?i:the|a|an|his|her|its|their|our|this|that|yesterday|tomorrow)\b)"),
        ("relative-period", rf"(?<!(?i:the)\s)\b(?:(?P<mod>(?i:earlier|later|early|late)){_S})?"
                            rf"(?P<which>(?i:this|last|next)){_S}(?P<unit>(?i:week|month|year))\b"),
        ("ago", rf"\b(?P<n>{_NUMBER}){_S}(?P<unit>(?i:day|week|month|year))s?{_S}ago\b"),
        ("day-only", r"(?P<d>[0-3]?\d(?:st|nd|rd|th))\b(?=\s*(?:[,.;:)]|$)|\s+(?:at|when|and|in)\b)"),
    ]


def _compile(alternatives: list[tuple[str, str]]) -> tuple[re.Pattern[str], dict[str, str]]:
    """The lead, then one alternative per shape; each shape's groups are renamed
    ``<key>__<group>`` because group names must be unique in one regex."""
    parts, names = [], {}
    for i, (rule, pattern) in enumerate(alternatives):
        key = f"r{i}"
        names[key] = rule
        renamed = re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{key}__{m.group(1)}>", pattern)
        parts.append(f"(?P<{key}>{renamed})")
    return re.compile(_LEAD + "(?:" + "|".join(parts) + ")"), names


_ALL = _alternatives()
_PATTERN, _RULE_OF_KEY = _compile(_ALL)
# Tried at the same position when a range matched but did not validate ("March 3 and 40").
_SINGLES, _SINGLE_RULE_OF_KEY = _compile([a for a in _ALL if not a[0].startswith("range-")])


# --- resolution ---------------------------------------------------------------

class _Reject(Exception):
    """The shape matched but the words are not a date (e.g. 31 February)."""


def _fmt(y: int, m: int | None = None, d: int | None = None) -> str:
    if d is not None:
        return f"{y:04d}-{m:02d}-{d:02d}"
    if m is not None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}"


def _fmt_date(d: date) -> str:
    return _fmt(d.year, d.month, d.day)


def _lead(g) -> str:
    return " ".join((g("lead") or "").lower().split())


def _quantity_follows(lead: str, g) -> bool:
    return lead in _QUANTITY_LEADS and g("next") is not None and g("next") not in _WORDS_AFTER_A_YEAR


def _month(token: str) -> int:
    return _MONTH_NUMBER[token.rstrip(".").lower()]


def _day(token: str) -> int:
    return int(token.rstrip("stndrh"))


def _checked(y: int, m: int, d: int) -> date:
    if not 1 <= m <= 12 or not 1 <= d <= calendar.monthrange(y, m)[1]:
        raise _Reject
    return date(y, m, d)


def _shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + delta
    return k // 12, k % 12 + 1


def _majority_month(lo: date, hi: date) -> str:
    """The month holding most days of [lo, hi]; on a tie, the later one."""
    counts: dict[tuple[int, int], int] = {}
    day = lo
    while day <= hi:
        counts[(day.year, day.month)] = counts.get((day.year, day.month), 0) + 1
        day += timedelta(days=1)
    y, m = max(counts, key=lambda k: (counts[k], k))
    return _fmt(y, m)


class _Context:
    """What a resolver may use: the reference at its precision, and the last day-precision date."""

    def __init__(self, reference: date | None, precision: str) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"reference_precision must be one of {PRECISIONS}, not {precision!r}")
        self.reference = reference
        self.rank = PRECISIONS.index(precision) if reference else 3  # 0 day, 1 month, 2 year, 3 none
        self.previous: tuple[date, date] | None = None  # (start, end) of the last day-precision date
        self.text = ""
        self.last_end = -1  # end of the last expression found
        self.lead_start = -1  # where the lead of the expression being resolved starts

    def continues_list(self) -> bool:
        """Whether the current "and"/"or" follows the last expression directly ("in 2013 and 2015")."""
        return self.last_end >= 0 and self.lead_start >= 0 and \
            self.text[self.last_end:self.lead_start].strip(" ,\u00a0") == ""

    def needs(self, precision: str) -> date | None:
        """The reference, if it is known at least to ``precision``."""
        return self.reference if self.rank <= PRECISIONS.index(precision) else None


# A resolver returns (value, precision, end, kind, rule); value None = unresolved.
_Result = tuple[str | None, str | None, str | None, str, str]
_Resolver = Callable[[Callable[[str], str | None], _Context], _Result]
_RESOLVERS: dict[str, _Resolver] = {}


def _resolver(*rules: str):
    def register(fn: _Resolver) -> _Resolver:
        for rule in rules:
            _RESOLVERS[rule] = fn
        return fn
    return register


@_resolver("iso", "dotted-dmy", "dmy", "mdy")
def _full_date(g, ctx):
    value = _checked(int(g("y")), int(g("m")) if g("m").isdigit() else _month(g("m")), _day(g("d")))
    return _fmt_date(value), "day", None, "absolute", g("rule")


@_resolver("dm-in-reference-year", "md-in-reference-year")
def _day_month(g, ctx):
    m, d = _month(g("m")), _day(g("d"))
    _checked(2000, m, d)  # reject 31 April even when the year is unknown (2000 allows 29 Feb)
    ref = ctx.needs("year")
    if ref is None:
        return None, None, None, "partial", g("rule")
    return _fmt_date(_checked(ref.year, m, d)), "day", None, "partial", g("rule")


def _range_years(y1: str | None, y2: str | None, first: tuple[int, int], last: tuple[int, int],
                 ctx: _Context) -> tuple[int, int] | None:
    """Years of both ends of a range; a missing start year follows the end (and the reverse)."""
    if y2:
        end_year = int(y2)
        start_year = int(y1) if y1 else end_year - (first > last)
    elif y1:
        start_year = int(y1)
        end_year = start_year + (first > last)
    else:
        ref = ctx.needs("year")
        if ref is None:
            return None
        end_year = ref.year
        start_year = end_year - (first > last)
    return start_year, end_year


def _day_range(g, ctx, m1: int, d1: int, m2: int, d2: int, y1: str | None, y2: str | None):
    _checked(2000, m1, d1), _checked(2000, m2, d2)
    if (m1, d1) == (m2, d2) or (m1 == m2 and d1 > d2):
        raise _Reject
    years = _range_years(y1, y2, (m1, d1), (m2, d2), ctx)
    if years is None:
        return None, None, None, "range", g("rule")
    start, end = _checked(years[0], m1, d1), _checked(years[1], m2, d2)
    return _fmt_date(start), "day", _fmt_date(end), "range", g("rule")


@_resolver("range-dm-dm", "range-md-md")
def _range_two_months(g, ctx):
    if g("sep").strip() == "and" and _lead(g) != "between":
        raise _Reject
    return _day_range(g, ctx, _month(g("m1")), _day(g("d1")), _month(g("m2")), _day(g("d2")),
                      g("y1"), g("y2"))


@_resolver("range-dmy", "range-mdy")
def _range_one_month(g, ctx):
    m = _month(g("m"))
    return _day_range(g, ctx, m, _day(g("d1")), m, _day(g("d2")), None, g("y"))


@_resolver("range-months")
def _range_months(g, ctx):
    m1, m2 = _month(g("m1")), _month(g("m2"))
    # "May and June" alone may be two names; "between May and June" is not.
    if m1 == m2 or not (g("y") or _lead(g) in ("between", "from", "in", "during")):
        raise _Reject
    if g("sep").strip() == "and" and m1 > m2 and _lead(g) != "between":  # "in November and January"
        raise _Reject
    years = _range_years(None, g("y"), (m1, 1), (m2, 1), ctx)
    if years is None:
        return None, None, None, "range", g("rule")
    return _fmt(years[0], m1), "month", _fmt(years[1], m2), "range", g("rule")


@_resolver("range-years")
def _range_of_years(g, ctx):
    lead = _lead(g)
    if lead not in _YEAR_LEADS | {"between"} or _quantity_follows(lead, g):
        raise _Reject
    if g("sep").strip() == "and" and lead != "between":
        raise _Reject  # "in 2004 and 2006" are two years
    y1, y2 = int(g("y1")), g("y2")
    end = int(y2) if len(y2) == 4 else y1 // 100 * 100 + int(y2)
    if end <= y1:
        raise _Reject
    return _fmt(y1), "year", _fmt(end), "range", g("rule")


@_resolver("month-year")
def _month_year(g, ctx):
    return _fmt(int(g("y")), _month(g("m"))), "month", None, "absolute", g("rule")


@_resolver("month-in-reference-year")
def _month_alone(g, ctx):
    lead = _lead(g)
    if not (g("mod") or lead in _MONTH_LEADS or (lead in _LIST_LEADS and ctx.continues_list())):
        raise _Reject
    ref = ctx.needs("year")
    if ref is None:
        return None, None, None, "partial", g("rule")
    return _fmt(ref.year, _month(g("m"))), "month", None, "partial", g("rule")


@_resolver("month-of-relative-year")
def _month_of_relative_year(g, ctx):
    which = g("which").lower()
    rule = f"month-of-{which}-year"
    ref = ctx.needs("year")
    if ref is None:
        return None, None, None, "relative", rule
    year = ref.year + {"this": 0, "last": -1, "next": 1}[which]
    return _fmt(year, _month(g("m"))), "month", None, "relative", rule


@_resolver("relative-month-name")
def _relative_month_name(g, ctx):
    which = g("which").lower()
    rule = f"{which}-month-name"
    m = _month(g("m"))
    ref = ctx.needs("month") if which != "this" else ctx.needs("year")
    if ref is None:
        return None, None, None, "relative", rule
    year = ref.year
    if which == "last" and m >= ref.month:
        year -= 1
    elif which == "next" and m <= ref.month:
        year += 1
    return _fmt(year, m), "month", None, "relative", rule


@_resolver("modified-year", "year-in-context")
def _year(g, ctx):
    if g("rule") == "year-in-context":
        lead = _lead(g)
        if not (lead in _YEAR_LEADS or (lead in _LIST_LEADS and ctx.continues_list())):
            raise _Reject
        if _quantity_follows(lead, g):
            raise _Reject
    return _fmt(int(g("y"))), "year", None, "absolute", g("rule")


@_resolver("weekday")
def _weekday(g, ctx):
    which = (g("which") or "").lower()
    rule = {"": "weekday-on-or-before-reference", "last": "weekday-before-reference",
            "next": "weekday-after-reference", "coming": "weekday-after-reference",
            "this": "weekday-in-reference-week"}[which]
    ref = ctx.needs("day")
    if ref is None:
        return None, None, None, "relative", rule
    wanted, today = _WEEKDAY_NUMBER[g("w").lower()], ref.weekday()
    if which == "":
        delta = -((today - wanted) % 7)
    elif which == "last":
        delta = -((today - wanted - 1) % 7 + 1)
    elif which in ("next", "coming"):
        delta = (wanted - today - 1) % 7 + 1
    else:
        delta = wanted - today
    return _fmt_date(ref + timedelta(days=delta)), "day", None, "relative", rule


_DEICTIC_OFFSET = {"the day before yesterday": -2, "yesterday": -1, "last night": -1, "today": 0,
                   "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
                   "tomorrow": 1, "the day after tomorrow": 2}


@_resolver("deictic-day")
def _deictic_day(g, ctx):
    word = " ".join(g("word").lower().split())
    offset = _DEICTIC_OFFSET[word]
    rule = word.replace(" ", "-")
    ref = ctx.needs("day")
    if ref is None:
        return None, None, None, "relative", rule
    return _fmt_date(ref + timedelta(days=offset)), "day", None, "relative", rule


_ANAPHORIC_OFFSET = {"the day before": -1, "the previous day": -1, "the day after": 1,
                     "the next day": 1, "the following day": 1, "the same day": 0}


@_resolver("anaphoric-day")
def _anaphoric_day(g, ctx):
    word = " ".join(g("word").lower().split())
    offset = _ANAPHORIC_OFFSET[word]
    name = {-1: "day-before", 1: "day-after", 0: "same-day"}[offset]
    if ctx.previous is not None:
        start, end = ctx.previous
        anchor, rule = (end if offset > 0 else start), f"{name}-previous-date"
    else:
        anchor, rule = ctx.needs("day"), f"{name}-reference"
        if anchor is None:
            return None, None, None, "relative", rule
    return _fmt_date(anchor + timedelta(days=offset)), "day", None, "relative", rule


def _week_bounds(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _week_window(ref: date, mod: str, which: str) -> tuple[date, date]:
    monday, sunday = _week_bounds(ref)
    if which == "last":
        return _week_bounds(ref - timedelta(days=7))
    if which == "next":
        return _week_bounds(ref + timedelta(days=7))
    if mod == "earlier":
        return monday, max(monday, ref - timedelta(days=1))
    if mod == "later":
        return min(sunday, ref + timedelta(days=1)), sunday
    return monday, sunday


@_resolver("relative-period")
def _relative_period(g, ctx):
    mod, which, unit = (g("mod") or "").lower(), g("which").lower(), g("unit").lower()
    rule = f"{mod}-{which}-{unit}" if mod else f"{which}-{unit}"
    step = {"this": 0, "last": -1, "next": 1}[which]
    if unit == "year":
        ref = ctx.needs("year")
        value = ref and (_fmt(ref.year + step), "year")
    elif unit == "month":
        ref = ctx.needs("month")
        value = ref and (_fmt(*_shift_month(ref.year, ref.month, step)), "month")
    else:
        ref = ctx.needs("day")
        value = ref and (_majority_month(*_week_window(ref, mod, which)), "month")
    if not value:
        return None, None, None, "relative", rule
    return value[0], value[1], None, "relative", rule


@_resolver("ago")
def _ago(g, ctx):
    n_text, unit = g("n").lower(), g("unit").lower()
    n = int(n_text) if n_text.isdigit() else _NUMBER_VALUE[n_text]
    rule = f"{unit}s-ago"
    ref = ctx.needs({"day": "day", "week": "day", "month": "month", "year": "year"}[unit])
    if ref is None:
        return None, None, None, "relative", rule
    if unit == "day":
        return _fmt_date(ref - timedelta(days=n)), "day", None, "relative", rule
    if unit == "week":
        return _majority_month(*_week_bounds(ref - timedelta(days=7 * n))), "month", None, "relative", rule
    if unit == "month":
        return _fmt(*_shift_month(ref.year, ref.month, -n)), "month", None, "relative", rule
    return _fmt(ref.year - n), "year", None, "relative", rule


@_resolver("day-only")
def _day_only(g, ctx):
    if _lead(g) != "on" or not g("the") or not 1 <= _day(g("d")) <= 31:
        raise _Reject
    return None, None, None, "partial", g("rule")


# --- the scan -----------------------------------------------------------------

def _resolve(match: re.Match[str], rule_of_key: dict[str, str], ctx: _Context) -> TimeExpression:
    key = match.lastgroup
    rule = rule_of_key[key]

    def group(name: str) -> str | None:
        if name == "rule":
            return rule
        try:
            return match.group(f"{key}__{name}")
        except IndexError:
            return match.group(name) if name in ("lead", "the") else None

    ctx.lead_start = match.start("lead")
    value, precision, end, kind, final_rule = _RESOLVERS[rule](group, ctx)
    start, stop = match.start("at"), match.end()
    return TimeExpression(Span(start, stop), match.string[start:stop], value, precision, end, kind, final_rule)


def _starts(text: str, anchor: int, floor: int) -> list[int]:
    """Where a date holding the anchor may begin: the anchor, or a run of up to
    five prefix words just before it ("by the end of" 2019), earliest first."""
    starts = [anchor]
    i = anchor
    for _ in range(5):
        j = i
        while j > floor and text[j - 1] in _SEPARATORS:
            j -= 1
        k = j
        while k > floor and text[k - 1].isalpha():
            k -= 1
        if j == i or k == j or (k > 0 and text[k - 1].isalnum()) or text[k:j].lower() not in _PREFIX_WORDS:
            break
        starts.append(k)
        i = k
    starts.reverse()
    return starts


def _attempt(text: str, start: int, anchor: int, ctx: _Context) -> TimeExpression | None:
    match = _PATTERN.match(text, start)
    if match is None or match.end() <= anchor:
        return None
    try:
        return _resolve(match, _RULE_OF_KEY, ctx)
    except _Reject:
        if not _RULE_OF_KEY[match.lastgroup].startswith("range-"):
            return None
    single = _SINGLES.match(text, start)
    if single is None or single.end() <= anchor:
        return None
    try:
        return _resolve(single, _SINGLE_RULE_OF_KEY, ctx)
    except _Reject:
        return None


def find_time_expressions(text: str, reference: date | None = None,
                          reference_precision: str = "day") -> list[TimeExpression]:
    """Every date, partial date, relative date and range in ``text``, in order of position.

    ``reference`` (normally the publication date) resolves partial and relative
    expressions; ``reference_precision`` says how much of it is known (a
    reference known only to the month cannot resolve "yesterday")."""
    if isinstance(reference, datetime):
        reference = reference.date()
    ctx = _Context(reference, reference_precision)
    ctx.text = text
    found: list[TimeExpression] = []
    floor = 0
    for anchor in _anchors(text):
        if anchor < floor:
            continue
        for start in _starts(text, anchor, floor):
            expression = _attempt(text, start, anchor, ctx)
            if expression is not None:
                break
        else:
            continue
        found.append(expression)
        floor = ctx.last_end = expression.span.end
        if expression.precision == "day":
            first = date.fromisoformat(expression.value)
            ctx.previous = (first, date.fromisoformat(expression.end) if expression.end else first)
    return found


# --- reference date and publication date ---------------------------------------

_ISO_PREFIX = re.compile(r"\s*(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC)?)?\s*$")


def parse_published(value: str | date | datetime | None) -> date | None:
    """A publication date from what readers find in metadata.

    The calendar date as written is kept (no conversion to UTC): an article
    stamped 23:30-05:00 is "today" for its authors on that day.  Empty → None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"publication date must be a string, date or datetime, not {type(value).__name__}")
    if not value.strip():
        return None
    iso = _ISO_PREFIX.match(value)
    if iso:
        try:
            return date.fromisoformat(iso.group(1))
        except ValueError:
            pass  # a malformed day or month: say so below
    else:
        found = find_time_expressions(value.strip())
        if (len(found) == 1 and found[0].kind == "absolute" and found[0].precision == "day"
                and found[0].text == value.strip()):
            return date.fromisoformat(found[0].value)
    raise ValueError(
        f"cannot read publication date {value!r}: expected an ISO 8601 date or timestamp "
        "('2019-08-27', '2019-08-27T10:00:00Z') or a written date ('27 August 2019', 'August 27, 2019')"
    )


def reference_date(text: str, published: date | datetime | str | None) -> TimeValue | None:
    """The date that relative expressions in ``text`` count from.

    The publication date when known; else the first full day-month-year date
    in the text (a press release dated in its first sentence); else None."""
    day = parse_published(published)
    if day is not None:
        return TimeValue(_fmt_date(day), "day", None, None, "published")
    for expression in find_time_expressions(text):
        if expression.precision == "day" and expression.kind in ("absolute", "range"):
            return TimeValue(expression.value, "day", expression.span, None, "first-full-date-in-text")
    return None
