import pandas as pd
import pytest

from layers.i18n import STRINGS, VOCAB, fmt_date, fmt_eur, fmt_int, t
from sahel_data import schema


def test_every_string_exists_in_english_and_french():
    for key, entry in {**STRINGS, **VOCAB}.items():
        assert set(entry) == {"en", "fr"}, key
        assert entry["en"].strip() and entry["fr"].strip(), key


def test_every_vocabulary_code_has_a_label():
    vocab = (*schema.ACTOR_TYPES, *schema.SECTORS, *schema.SITE_KINDS, *schema.EVENT_KINDS,
             *schema.ENGAGEMENT_KINDS, *schema.INDICATORS, *schema.PRECISIONS, *schema.SCOPES)
    missing = [code for code in vocab if code not in VOCAB]
    assert not missing
    figures = [*schema.BUDGET_BASES, *schema.AMOUNT_TYPES, *schema.FIGURE_SCOPES]
    prefixed = [f"basis_{b}" for b in schema.BUDGET_BASES] + [f"type_{a}" for a in schema.AMOUNT_TYPES] + [
        f"scope_{s}" for s in schema.FIGURE_SCOPES]
    assert len(figures) == len(prefixed) and all(key in STRINGS for key in prefixed)


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (29_000_000, "en", "€29.0 M"), (29_000_000, "fr", "29,0 M€"),
    (1_800_000_000, "en", "€1.8 bn"), (1_171_000_000, "fr", "1,17 Md€"), (187_000, "fr", "187,0 k€"),
    (None, "en", "unknown"), (None, "fr", "inconnu"),
])
def test_fmt_eur(value, lang, expected):
    assert fmt_eur(value, lang) == expected


def test_fmt_int_uses_french_thin_space():
    assert fmt_int(412387, "fr") == "412\u202f387"
    assert fmt_int(412387, "en") == "412,387"


def test_fmt_date_keeps_the_source_precision():
    assert fmt_date(pd.Timestamp(2015, 1, 15), "fr", "2015-01-15") == "15 janv. 2015"
    assert fmt_date(pd.Timestamp(2018, 9, 1), "en", "2018-09") == "Sep 2018"
    assert fmt_date(pd.Timestamp(2017, 1, 1), "en", "2017") == "2017"


@pytest.mark.parametrize(("value", "unit", "lang", "qualifier", "expected"), [
    (1_171_000_000, "USD", "en", "exact", "US$1.17 bn"), (1_171_000_000, "USD", "fr", "exact", "1,17 Md $ US"),
    (3_000_000_000, "XOF", "en", "over", "at least 3 bn XOF"), (3_000_000_000, "XOF", "fr", "exact", "3 Md FCFA"),
    (15_500, "people", "en", "over", "at least 15,500"), (500, "people", "fr", "approx", "environ 500"),
    (89_000_000, "EUR", "en", "over", "at least €89.0 M"),
])
def test_amounts_keep_their_currency_and_qualifier(value, unit, lang, qualifier, expected):
    from layers.i18n import fmt_value

    assert fmt_value(value, unit, lang, qualifier) == expected


def test_t_formats_and_falls_back():
    assert t("no_figure_after", "fr", date="sept. 2024") == "aucun chiffre après le sept. 2024"
    assert t("no-such-key", "fr") == "no-such-key"
