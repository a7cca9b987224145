import pytest

from layers.classes import COLOR_RANGE, NO_DATA_COLOUR, PALETTE, SCHEMES, discrete_colorscale


@pytest.mark.parametrize(("value", "expected"), [(None, -1), (float("nan"), -1), (0, 0), (4_999, 0), (5_000, 1), (99_999, 3), (10**7, 4)])
def test_idp_classes(value, expected):
    assert SCHEMES["idp"].classify(value) == expected


def test_budget_classes_follow_the_fixed_breaks():
    # Breaks 0 / 5 M / 20 M / 50 M / 100 M: 7 M is in the second class whatever else is shown.
    scheme = SCHEMES["budget"]
    assert [scheme.classify(v) for v in (0.0, 4_999_999.0, 5e6, 7e6, 49_999_999.0, 50e6, 900e6)] == [0, 0, 1, 1, 2, 3, 4]


def test_labels_cover_no_data_and_every_class_in_both_languages():
    for scheme in SCHEMES.values():
        for lang in ("en", "fr"):
            labels = scheme.labels(lang)
            assert len(labels) == len(scheme.lower_bounds) + 1
            assert len(set(labels)) == len(labels)
    assert SCHEMES["idp"].labels("en")[-1] == "≥ 100,000"
    assert SCHEMES["idp"].labels("fr")[-1] == "≥ 100\u202f000"
    assert SCHEMES["engagements"].labels("en")[1] == "0–2"


def test_discrete_colorscale_steps_through_no_data_then_palette():
    scale = discrete_colorscale()
    colours = [c for _, c in scale][::2]
    assert colours == [NO_DATA_COLOUR, *PALETTE]
    assert scale[0][0] == 0 and scale[-1][0] == 1
    lo, hi = COLOR_RANGE
    assert hi - lo == len(PALETTE) + 1  # each class index sits in the middle of its band
