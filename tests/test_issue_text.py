"""The banner's reasons in French: every reason a link or the controls can be given is translated,
what was typed is left as it was (``layers.issue_text``)."""

from __future__ import annotations

import re

import pytest

from layers.issue_text import REASONS_FR, issue_text, reason_template
from layers.view_state import parse_query, state_from_controls

# One link per reason the code gives (layers.view_state, layers.period, since= and briefings).
BAD_LINKS = [
    "?q=" + "x" * 90,
    "?q=a%0Ab",
    "?region=ML-5,ML-5",
    "?region=" + ",".join(["ML-5"] * 51),
    "?from=2019-5",
    "?from=2019-13",
    "?year=abc",
    "?year=&from=2019",
    "?year=2019&from=2019",
    "?to=2019-05",
    "?from=2020-06&to=2020-03",
    "?year=2005",
    "?from=2026-12",
    "?since=abc",
    "?since=2019-02-30",
    "?scene=2",
    "?lang=fr&lang=en",
    "?region=",
    "&".join(f"p{i}=1" for i in range(41)),
]


def test_every_reason_a_link_can_be_given_is_translated(app_data):
    seen = set()
    for link in BAD_LINKS:
        for item in parse_query(link, app_data.options).ignored:
            if "(" not in item:
                continue  # a value alone, with no reason: nothing to translate
            french = issue_text(item, "fr")
            assert french != item, (link, item)
            assert issue_text(item, "en") == item
            seen.add(reason_template(item))
    # The links above reach every template but those a link cannot (a value that is not text, an
    # empty period value: the query's own check names it first) and those of data with releases
    # (the bundled data has none yet: any since= is "no data release yet").
    unreached = {en for en, _ in REASONS_FR} - seen
    assert unreached <= {"not a text", "{names} given without a value: give a value or leave the parameter out",
                         "not a release version or a date YYYY-MM-DD",
                         "before the first release ({version}, {date})", "briefing {name} has scenes 1 to {n}",
                         "no period given", "not a day of the calendar"}, unreached


def test_what_was_typed_stays_and_fields_carry_over(app_data):
    (item,) = parse_query("?year=abc", app_data.options).ignored
    assert issue_text(item, "fr") == "year=abc ('abc' n’est ni AAAA ni AAAA-AAAA (chiffres ASCII 0-9))"
    assert issue_text("to=2019 (to= needs from= (from=YYYY-MM&to=YYYY-MM))", "fr") == \
        "to=2019 (to= demande from= (from=AAAA-MM&to=AAAA-MM))"
    assert issue_text("regoin=ML-5", "fr") == "regoin=ML-5"
    assert issue_text("x (a reason no template has)", "fr") == "x (a reason no template has)"


def test_a_period_the_controls_cannot_take_is_explained_in_french(app_data):
    values = {"years": [2019, 2019], "month_from": 6, "month_to": 3, "lang": "fr"}
    state, usable = state_from_controls(values, {}, app_data.options)
    assert not usable
    assert [issue_text(i, "fr") for i in state.ignored] == ["from=2019-06 to=2019-03 (se termine avant de commencer)"]


@pytest.mark.parametrize(("english", "french"), REASONS_FR)
def test_each_template_keeps_its_fields(english, french):
    fields = re.compile(r"\{([a-z]+)\}")
    assert sorted(fields.findall(english)) == sorted(fields.findall(french))


def test_the_reasons_of_data_releases_and_briefings_are_translated():
    # Reasons the bundled data cannot give (it has no release yet, and no briefing link here).
    assert issue_text("since=2019-01-01 (before the first release (v1, 2020-01-01))", "fr") == \
        "since=2019-01-01 (avant la première version des données (v1, 2020-01-01))"
    assert issue_text("since=x (not a release version or a date YYYY-MM-DD)", "fr") == \
        "since=x (ni une version des données ni une date AAAA-MM-JJ)"
    assert issue_text("scene=9 (briefing eu-mali has scenes 1 to 4)", "fr") == "scene=9 (la présentation eu-mali a les scènes 1 à 4)"


def test_parameters_named_together_are_joined_in_french():
    assert issue_text("year= from= (year= and from= given without a value: give a value or leave the parameter out)", "fr") == \
        "year= from= (year= et from= sans valeur : donnez une valeur ou retirez le paramètre)"
