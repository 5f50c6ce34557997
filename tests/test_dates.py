"""Time expressions: what an analyst reading the event table would check."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from communique.dates import TimeExpression, find_time_expressions, parse_published, reference_date
from communique.model import Span, TimeValue

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

TUESDAY = date(2019, 8, 27)  # a Tuesday


def only(text: str, reference: date | None = TUESDAY, **kwargs) -> TimeExpression:
    found = find_time_expressions(text, reference, **kwargs)
    assert len(found) == 1, [e.text for e in found]
    expression = found[0]
    assert text[expression.span.start:expression.span.end] == expression.text
    return expression


def resolved(text: str, reference: date | None = TUESDAY, **kwargs) -> tuple[str, str | None, str | None, str]:
    e = only(text, reference, **kwargs)
    return e.text, e.value, e.precision, e.end


# --- absolute dates ----------------------------------------------------------

@pytest.mark.parametrize("text, span_text, value", [
    ("The talks were held on 24 August 2019 in Astana.", "24 August 2019", "2019-08-24"),
    ("On 28 September, 2019, the ministers met.", "28 September, 2019", "2019-09-28"),
    ("It was signed August 24, 2019 by both sides.", "August 24, 2019", "2019-08-24"),
    ("It was signed Aug. 24, 2019 by both sides.", "Aug. 24, 2019", "2019-08-24"),
    ("Talks resumed 24 Aug 2019 after a pause.", "24 Aug 2019", "2019-08-24"),
    ("Dated 2019-08-24, the note was sent.", "2019-08-24", "2019-08-24"),
    ("Protocol of 24.08.2019 on customs.", "24.08.2019", "2019-08-24"),
    ("On the 24th of August 2019 they met.", "24th of August 2019", "2019-08-24"),
    ("On Saturday, 24 August 2019, the envoy arrived.", "Saturday, 24 August 2019", "2019-08-24"),
])
def test_full_dates_resolve_without_a_reference(text, span_text, value):
    e = only(text, reference=None)
    assert (e.text, e.value, e.precision, e.kind) == (span_text, value, "day", "absolute")


def test_span_leaves_out_the_preposition():
    text = "On 24 August 2019, Secretary-General Norov met the governor."
    e = only(text, reference=None)
    assert e.span == Span(3, 17)


@pytest.mark.parametrize("text, span_text, value", [
    ("The plan was adopted in August 2019 by the council.", "August 2019", "2019-08"),
    ("The fund was set up in 2019 by the members.", "2019", "2019"),
    ("Troops have been deployed since 2014.", "2014", "2014"),
    ("Growth is expected to recover by mid-2020.", "mid-2020", "2020"),
    ("Elections are due in early 2021.", "early 2021", "2021"),
    ("The treaty was ratified in the year 1998.", "1998", "1998"),
    ("The pact expires at the end of 2030.", "the end of 2030", "2030"),
])
def test_month_and_year_precision(text, span_text, value):
    e = only(text, reference=None)
    assert (e.text, e.value, e.precision) == (span_text, value, "month" if len(value) == 7 else "year")


# --- things that look like numbers but are not dates ----------------------------

@pytest.mark.parametrize("text", [
    "Iran violated Resolution 2231 again.",
    "The mission will send 1,000 troops.",
    "Exports rose 24 percent.",
    "Exports rose 24% over the quarter.",
    "It opened the 74th session of the General Assembly.",
    "Leaders of the G20 met.",
    "The meeting starts at 10:30 sharp.",
    "Call +44 20 7946 0958 or 202-555-0143 for details.",
    "The COVID-19 pandemic hit tourism.",
    "Progress towards Agenda 2030 was reviewed.",
    "The 2030 Agenda was reviewed.",
    "A crowd of 2000 people gathered.",
    "The city grew in the 1960s.",
    "They may meet again; the march was peaceful.",
    "Prime Minister Theresa May spoke.",
])
def test_not_dates(text):
    assert find_time_expressions(text, TUESDAY) == []


def test_a_bare_month_needs_a_preposition_or_modifier():
    assert find_time_expressions("May the talks succeed.", TUESDAY) == []
    assert resolved("The talks resumed in May.")[1] == "2019-05"
    assert resolved("The talks resumed in early May.")[:3] == ("early May", "2019-05", "month")


# --- partial dates: the year comes from the reference ----------------------------

def test_day_and_month_take_the_reference_year():
    assert resolved("The ministers met on 24 August in Beijing.") == ("24 August", "2019-08-24", "day", None)
    assert resolved("The ministers met on August 24 in Beijing.") == ("August 24", "2019-08-24", "day", None)


def test_day_and_month_without_a_reference_stay_unresolved():
    e = only("The ministers met on 24 August in Beijing.", reference=None)
    assert (e.text, e.value, e.precision, e.kind) == ("24 August", None, None, "partial")
    with pytest.raises(ValueError, match="no resolved value"):
        e.to_time_value()


def test_a_later_month_is_still_the_reference_year():
    # The convention: no guessing of the previous year for a bare month.
    assert resolved("The deal was signed in November.", date(2019, 3, 10))[1] == "2019-11"


def test_a_day_without_a_month_is_found_but_unresolved():
    e = only("The vote was held on the 24th, officials said.")
    assert (e.text, e.value, e.kind) == ("24th", None, "partial")


@pytest.mark.parametrize("text", [
    "MOSCOW, March 3 (Reuters) - Russia said it would respond.",
    "ISLAMABAD, Mar 3 (APP): The minister said.",
    "MOSCOW, March 3. /TASS/. The minister said.",
])
def test_datelines_without_a_year(text):
    e = find_time_expressions(text, date(2020, 3, 4))[0]
    assert (e.value, e.precision) == ("2020-03-03", "day")
    assert e.text in ("March 3", "Mar 3")


def test_dateline_with_a_full_date():
    e = find_time_expressions("Beijing, 12 May 2023 — The foreign ministers met.", None)[0]
    assert (e.text, e.value, e.span) == ("12 May 2023", "2023-05-12", Span(9, 20))


# --- relative to the reference ---------------------------------------------------

@pytest.mark.parametrize("text, span_text, value, rule", [
    ("The minister said today that talks continue.", "today", "2019-08-27", "today"),
    ("The minister said yesterday that talks continue.", "yesterday", "2019-08-26", "yesterday"),
    ("The envoy arrives tomorrow.", "tomorrow", "2019-08-28", "tomorrow"),
    ("Clashes broke out last night.", "last night", "2019-08-26", "last-night"),
    ("They met the day before yesterday.", "the day before yesterday", "2019-08-25", "the-day-before-yesterday"),
    ("The talks ended two days ago.", "two days ago", "2019-08-25", "days-ago"),
    ("The talks ended 3 days ago.", "3 days ago", "2019-08-24", "days-ago"),
])
def test_deictic_days(text, span_text, value, rule):
    e = only(text)
    assert (e.text, e.value, e.precision, e.kind, e.rule) == (span_text, value, "day", "relative", rule)


@pytest.mark.parametrize("text, span_text, value, rule", [
    # The reference, 27 August 2019, is a Tuesday.
    ("The minister said on Tuesday that...", "Tuesday", "2019-08-27", "weekday-on-or-before-reference"),
    ("The minister said Tuesday that...", "Tuesday", "2019-08-27", "weekday-on-or-before-reference"),
    ("The minister spoke on Monday.", "Monday", "2019-08-26", "weekday-on-or-before-reference"),
    ("The minister spoke on Wednesday.", "Wednesday", "2019-08-21", "weekday-on-or-before-reference"),
    ("The minister spoke last Tuesday.", "last Tuesday", "2019-08-20", "weekday-before-reference"),
    ("The minister will speak next Tuesday.", "next Tuesday", "2019-09-03", "weekday-after-reference"),
    ("The minister will speak next Monday.", "next Monday", "2019-09-02", "weekday-after-reference"),
])
def test_weekdays(text, span_text, value, rule):
    e = only(text)
    assert (e.text, e.value, e.precision, e.rule) == (span_text, value, "day", rule)


@pytest.mark.parametrize("text, reference, span_text, value, precision", [
    ("Prices rose last month.", date(2019, 1, 15), "last month", "2018-12", "month"),
    ("Prices rose this month.", date(2019, 1, 15), "this month", "2019-01", "month"),
    ("Earlier this month, prices rose.", date(2019, 1, 15), "Earlier this month", "2019-01", "month"),
    ("Prices rose last year.", date(2019, 1, 15), "last year", "2018", "year"),
    ("Prices rose this year.", date(2019, 1, 15), "this year", "2019", "year"),
    ("Prices fell late last year.", date(2019, 1, 15), "late last year", "2018", "year"),
    ("Prices fell a year ago.", date(2019, 1, 15), "a year ago", "2018", "year"),
    ("Prices fell six months ago.", date(2019, 1, 15), "six months ago", "2018-07", "month"),
    # Week expressions: the month holding most days of the week meant.
    ("The envoy visited last week.", TUESDAY, "last week", "2019-08", "month"),
    ("The envoy visited last week.", date(2019, 10, 1), "last week", "2019-09", "month"),
    ("The envoy visited earlier this week.", date(2019, 10, 3), "earlier this week", "2019-10", "month"),
    ("The envoy visited earlier this week.", date(2019, 9, 3), "earlier this week", "2019-09", "month"),
    ("The envoy visited three weeks ago.", TUESDAY, "three weeks ago", "2019-08", "month"),
])
def test_relative_periods(text, reference, span_text, value, precision):
    e = only(text, reference)
    assert (e.text, e.value, e.precision, e.kind) == (span_text, value, precision, "relative")


@pytest.mark.parametrize("text, reference, span_text, value", [
    ("The forum held in May of this year.", TUESDAY, "May of this year", "2019-05"),
    ("The forum held in May this year.", TUESDAY, "May this year", "2019-05"),
    ("The forum held in May last year.", TUESDAY, "May last year", "2018-05"),
    ("The forum held May of last year.", TUESDAY, "May of last year", "2018-05"),
    ("The forum opens in May next year.", TUESDAY, "May next year", "2020-05"),
    # "last May" is the previous year's when May is the reference month or later.
    ("The forum held last May.", date(2019, 3, 1), "last May", "2018-05"),
    ("The forum held last May.", date(2019, 5, 20), "last May", "2018-05"),
    ("The forum held last May.", TUESDAY, "last May", "2019-05"),
    ("The forum opens next May.", date(2019, 3, 1), "next May", "2019-05"),
    ("The forum opens next May.", TUESDAY, "next May", "2020-05"),
])
def test_months_relative_to_the_reference(text, reference, span_text, value):
    e = only(text, reference)
    assert (e.text, e.value, e.precision, e.kind) == (span_text, value, "month", "relative")


def test_the_day_before_counts_from_the_last_date_in_the_text():
    text = "The summit opened on 24 August 2019. The day before, the ministers met."
    first, second = find_time_expressions(text, TUESDAY)
    assert (second.text, second.value, second.rule) == ("The day before", "2019-08-23", "day-before-previous-date")


def test_the_previous_day_without_an_earlier_date_counts_from_the_reference():
    e = only("The ministers had met the previous day.")
    assert (e.value, e.rule) == ("2019-08-26", "day-before-reference")


def test_the_day_before_an_event_is_not_a_date():
    assert find_time_expressions("They met the day before the vote.", TUESDAY) == []


def test_relative_expressions_need_a_reference():
    for text in ("The talks resumed on Tuesday.", "The talks resumed in May of this year.",
                 "The talks resumed yesterday.", "The talks resumed last week."):
        e = only(text, reference=None)
        assert e.value is None and e.precision is None, text


def test_a_reference_known_to_the_month_cannot_place_a_weekday():
    reference = date(2019, 8, 1)
    assert only("The talks resumed on Tuesday.", reference, reference_precision="month").value is None
    assert only("The talks resumed last month.", reference, reference_precision="month").value == "2019-07"
    assert only("The talks resumed in May.", reference, reference_precision="year").value == "2019-05"
    with pytest.raises(ValueError, match="reference_precision"):
        find_time_expressions("today", TUESDAY, reference_precision="week")


# --- ranges --------------------------------------------------------------------

@pytest.mark.parametrize("text, span_text, start, end", [
    ("The expo ran between 23 and 26 August.", "23 and 26 August", "2019-08-23", "2019-08-26"),
    ("The expo ran from 12 to 15 December 2021.", "12 to 15 December 2021", "2021-12-12", "2021-12-15"),
    ("The expo ran December 12-15.", "December 12-15", "2019-12-12", "2019-12-15"),
    ("The expo ran 12\u201315 December.", "12\u201315 December", "2019-12-12", "2019-12-15"),
    ("The expo ran from December 12 to 15.", "December 12 to 15", "2019-12-12", "2019-12-15"),
    ("The expo ran 23-26 August 2019.", "23-26 August 2019", "2019-08-23", "2019-08-26"),
    ("The expo ran from 1 March to 3 April 2022.", "1 March to 3 April 2022", "2022-03-01", "2022-04-03"),
    ("The expo ran from March 1 to April 3, 2022.", "March 1 to April 3, 2022", "2022-03-01", "2022-04-03"),
    ("Talks were held on 5 and 6 June.", "5 and 6 June", "2019-06-05", "2019-06-06"),
    ("Talks ran from 28 December to 3 January 2020.", "28 December to 3 January 2020", "2019-12-28", "2020-01-03"),
])
def test_day_ranges(text, span_text, start, end):
    e = only(text)
    assert (e.text, e.value, e.precision, e.end, e.kind) == (span_text, start, "day", end, "range")


def test_month_and_year_ranges():
    assert resolved("Visits rose between May and July.") == ("May and July", "2019-05", "month", "2019-07")
    assert resolved("He served from 2009 until 2014.") == ("2009 until 2014", "2009", "year", "2014")
    assert resolved("Arrivals tripled between 2010 and 2018.") == ("2010 and 2018", "2010", "year", "2018")


def test_and_between_two_separate_dates_is_not_a_range():
    found = find_time_expressions("The envoys met on 1 March and 3 April.", TUESDAY)
    assert [(e.text, e.value, e.kind) for e in found] == [
        ("1 March", "2019-03-01", "partial"), ("3 April", "2019-04-03", "partial")]
    found = find_time_expressions("Attacks in 2013 and 2015 were claimed.", TUESDAY)
    assert [(e.text, e.value, e.kind) for e in found] == [
        ("2013", "2013", "absolute"), ("2015", "2015", "absolute")]


def test_a_range_that_is_not_one_falls_back_to_the_date():
    found = find_time_expressions("On March 3 and 40 others were hurt.", TUESDAY)
    assert [(e.text, e.value) for e in found] == [("March 3", "2019-03-03")]


def test_a_range_without_a_reference_year_is_unresolved():
    e = only("The expo ran between 23 and 26 August.", reference=None)
    assert (e.kind, e.value, e.end) == ("range", None, None)


def test_an_impossible_day_keeps_only_what_is_certain():
    assert resolved("It was dated 31 February 2019.") == ("February 2019", "2019-02", "month", None)
    assert find_time_expressions("It was dated 31 February.", TUESDAY) == []


def test_to_time_value_carries_span_range_and_rule():
    e = only("The expo ran between 23 and 26 August.")
    assert e.to_time_value() == TimeValue("2019-08-23", "day", e.span, "2019-08-26", "range-dmy")


# --- reference date and publication date ---------------------------------------

def test_reference_is_the_publication_date_when_known():
    ref = reference_date("On 24 August 2019 they met.", "2019-08-27")
    assert (ref.value, ref.precision, ref.rule, ref.span) == ("2019-08-27", "day", "published", None)


def test_reference_falls_back_to_the_first_full_date_in_the_text():
    text = "Talks in May were followed by a meeting. On 24 August 2019, the envoy met the minister."
    ref = reference_date(text, None)
    assert (ref.value, ref.rule) == ("2019-08-24", "first-full-date-in-text")
    assert text[ref.span.start:ref.span.end] == "24 August 2019"


def test_no_reference_without_a_full_date():
    assert reference_date("On Tuesday the envoy met the minister in May 2019.", None) is None


@pytest.mark.parametrize("value, expected", [
    ("2019-08-27", date(2019, 8, 27)),
    ("2025-03-14 20:30:26Z", date(2025, 3, 14)),
    ("2025-03-14T20:30:26+00:00", date(2025, 3, 14)),
    ("2025-03-14T23:30:00-05:00", date(2025, 3, 14)),  # the date as written, not UTC
    ("27 August 2019", date(2019, 8, 27)),
    ("August 27, 2019", date(2019, 8, 27)),
    (date(2019, 8, 27), date(2019, 8, 27)),
    (datetime(2019, 8, 27, 23, 0, tzinfo=timezone.utc), date(2019, 8, 27)),
    (None, None),
    ("  ", None),
])
def test_parse_published(value, expected):
    assert parse_published(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2019-02-30", "27 August", "not a date", "2019"])
def test_parse_published_rejects_garbage_with_a_clear_message(value):
    with pytest.raises(ValueError, match="cannot read publication date"):
        parse_published(value)


# --- real documents ----------------------------------------------------------

def _load(relative: str) -> list[dict]:
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"shared data not available: {path} is absent")
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_seed_press_release_dates():
    doc = _load("seed/seed.jsonl")[0]
    assert doc["published"] is None
    ref = reference_date(doc["text"], doc["published"])
    assert (ref.value, ref.rule) == ("2019-08-24", "first-full-date-in-text")
    assert doc["text"][ref.span.start:ref.span.end] == "24 August 2019"

    found = find_time_expressions(doc["text"], date.fromisoformat(ref.value))
    by_value = {(e.value, e.precision, e.end) for e in found}
    assert ("2019-05", "month", None) in by_value  # "in May of this year"
    assert ("2019-08-23", "day", "2019-08-26") in by_value  # "between 23 and 26 August"


_ISO_BY_PRECISION = {"day": re.compile(r"\d{4}-\d{2}-\d{2}"), "month": re.compile(r"\d{4}-(0[1-9]|1[0-2])"),
                     "year": re.compile(r"\d{4}")}


@pytest.mark.parametrize("relative", ["diplo_dev/docs.jsonl", "voa_stories.jsonl"])
def test_every_expression_in_real_documents_is_well_formed(relative):
    docs = _load(relative)
    total = 0
    for doc in docs:
        text = doc["text"]
        ref = reference_date(text, doc.get("published"))
        found = find_time_expressions(text, date.fromisoformat(ref.value) if ref else None)
        total += len(found)
        previous_end = 0
        for e in found:
            assert text[e.span.start:e.span.end] == e.text, (doc["id"], e)
            assert e.span.start >= previous_end, (doc["id"], e)  # in order, no overlaps
            previous_end = e.span.end
            if e.value is None:
                assert e.precision is None and e.end is None
                continue
            for iso in (e.value, e.end):
                if iso is not None:
                    assert _ISO_BY_PRECISION[e.precision].fullmatch(iso), (doc["id"], e)
                    if e.precision == "day":
                        date.fromisoformat(iso)
            if e.end is not None:
                assert e.end > e.value, (doc["id"], e)
    assert total > len(docs)  # news is full of dates: finding almost none is a bug
