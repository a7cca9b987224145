import pytest

from layers.classes import (
    EXCLUDED,
    EXCLUDED_COLOUR,
    NO_DATA_COLOUR,
    NONE,
    NONE_COLOUR,
    PALETTE,
    SCHEMES,
    STAGE_SCHEMES,
    UNKNOWN,
)


@pytest.mark.parametrize(("value", "expected"), [(None, -1), (float("nan"), -1), (0, 0), (4_999, 0), (5_000, 1), (99_999, 3), (10**7, 4)])
def test_idp_classes(value, expected):
    assert SCHEMES["idp"].classify(value) == expected


def test_budget_classes_follow_the_fixed_breaks():
    # Breaks 0 / 5 M / 20 M / 50 M / 100 M: 7 M is in the second class whatever else is shown.
    scheme = SCHEMES["budget"]
    assert [scheme.classify(v) for v in (0.0, 4_999_999.0, 5e6, 7e6, 49_999_999.0, 50e6, 900e6)] == [0, 0, 1, 1, 2, 3, 4]


def test_none_and_unknown_are_classes_of_their_own_never_zero():
    budget = SCHEMES["budget"]
    assert budget.classify(None, "none") == NONE
    assert budget.classify(None, "unknown") == UNKNOWN
    assert budget.classify(0.0) == 0  # a real zero stays a value
    assert SCHEMES["idp"].classify(None, "none") == UNKNOWN  # a metric with no "none" class: unknown


def test_labels_cover_every_class_in_both_languages():
    for scheme in SCHEMES.values():
        for lang in ("en", "fr"):
            labels = scheme.labels(lang)
            assert len(labels) == len(scheme.lower_bounds) + (2 if scheme.has_none else 1) == len(scheme.colours())
            assert len(set(labels)) == len(labels)
    assert SCHEMES["idp"].labels("en")[-1] == "≥ 100,000"
    assert SCHEMES["idp"].labels("fr")[-1] == "≥ 100\u202f000"
    assert SCHEMES["budget"].labels("en")[:2] == ["none earmarked", "no annual amount known"]
    assert SCHEMES["engagements"].labels("en")[2] == "1–2"


def test_colorscale_steps_through_none_unknown_then_palette():
    budget = SCHEMES["budget"]
    scale = budget.colorscale()
    assert [c for _, c in scale][::2] == [NONE_COLOUR, NO_DATA_COLOUR, *PALETTE]
    assert scale[0][0] == 0 and scale[-1][0] == 1
    lo, hi = budget.color_range
    assert (lo, hi) == (NONE - 0.5, len(PALETTE) - 0.5)  # each class index sits in the middle of its band
    assert SCHEMES["idp"].color_range[0] == UNKNOWN - 0.5


@pytest.mark.parametrize("scheme", [*SCHEMES.values(), *STAGE_SCHEMES.values()], ids=lambda s: s.metric)
def test_a_view_without_mali_has_one_class_not_in_this_view(scheme):
    """Its map has nothing else to show, so its legend lists nothing else (the stage's 3:1 rule
    between legend neighbours holds: there are none); any value or status falls in it."""
    without = scheme.without_mali()
    assert [without.classify(v, s) for v, s in ((None, "excluded"), (3.0, "value"), (None, "none"))] == [EXCLUDED] * 3
    assert scheme.classify(None, "excluded") == UNKNOWN  # a scheme with Mali: an unknown status is never a value
    assert without.colours() == [EXCLUDED_COLOUR] and without.fill(EXCLUDED) == EXCLUDED_COLOUR
    assert without.labels("en") == ["not in this view (Where)"] and without.labels("fr") == ["hors de cette vue (Où)"]
    assert without.color_range == (EXCLUDED - 0.5, EXCLUDED + 0.5)  # one band, centred on its index
    assert scheme.color_range == (scheme.first_class - 0.5, len(scheme.palette) - 0.5)  # the others unchanged
