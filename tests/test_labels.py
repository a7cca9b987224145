from shapely.geometry import Point

from layers.labels import Box, LabelRequest, _box, _overlaps, _shift, place_labels


def test_isolated_labels_are_all_shown_to_the_right():
    reqs = [LabelRequest("a", 0, 0, "Alpha", 1), LabelRequest("b", 10, 10, "Beta", 1)]
    out = place_labels(reqs, [(0, 0), (10, 10)], deg_per_px=0.02)
    assert [p.shown for p in out] == [True, True]
    assert out[0].position == "middle right"


def test_colliding_label_moves_then_hides_by_priority():
    # Three points almost on top of each other: the most important keeps its label.
    reqs = [
        LabelRequest("low", 0.0, 0.0, "Kati", 1),
        LabelRequest("high", 0.05, 0.0, "Bamako", 10),
        LabelRequest("mid", 0.1, 0.0, "Koulikoro", 5),
    ]
    markers = [(r.lon, r.lat) for r in reqs]
    out = {p.key: p for p in place_labels(reqs, markers, deg_per_px=0.03)}
    assert out["high"].shown
    shown = [p for p in out.values() if p.shown]
    boxes = [_box(next(r for r in reqs if r.key == p.key), p.position, 0.58 * 14 * 0.03, 1.25 * 14 * 0.03, 9 * 0.03) for p in shown]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not _overlaps(a, b)


def test_crowded_points_hide_the_least_important_labels():
    reqs = [LabelRequest(f"p{i}", 0.01 * i, 0.0, f"Place {i}", i) for i in range(6)]
    out = {p.key: p for p in place_labels(reqs, [(r.lon, r.lat) for r in reqs], deg_per_px=0.03)}
    assert out["p5"].shown
    hidden = [k for k, p in out.items() if not p.shown]
    assert len(hidden) >= 2
    assert "p0" in hidden


def test_result_keeps_input_order():
    reqs = [LabelRequest(str(i), i * 5.0, 0, f"P{i}", i) for i in range(5)]
    assert [p.key for p in place_labels(reqs, [], deg_per_px=0.01)] == ["0", "1", "2", "3", "4"]


def test_a_label_that_must_show_is_never_hidden_and_others_make_way():
    # Bamako must show; Kati, on the same spot and more "important" by priority, makes way.
    reqs = [LabelRequest("kati", 0.0, 0.0, "Kati", 99), LabelRequest("bamako", 0.01, 0.0, "Bamako", 1, must=True)]
    out = {p.key: p for p in place_labels(reqs, [(0.0, 0.0), (0.01, 0.0)], deg_per_px=0.03)}
    assert out["bamako"].shown
    # Boxed in on every side by other must-show labels, it still shows.
    crowd = [LabelRequest(f"m{i}", 0.0, 0.0, f"Must {i}", 1, must=True) for i in range(6)]
    assert all(p.shown for p in place_labels(crowd, [], deg_per_px=0.03))


def test_no_label_overlaps_a_selection_ring():
    ring = (0.0, 0.0, 14.0)  # a ring of 14 px radius around a selected site
    region = LabelRequest("r", 0.0, 0.0, "Koulikoro", 100, centred=True)
    out = place_labels([region], [], deg_per_px=0.01, hard=[ring])[0]
    assert out.shown and (out.dlon, out.dlat) != (0.0, 0.0)  # moved off its point, clear of the ring
    box = _box(region, out.position, 0.58 * 14 * 0.01, 1.25 * 14 * 0.01, 9 * 0.01)
    box = _shift(box, out.dlon, out.dlat)
    assert not _overlaps(box, Box(-0.14, -0.14, 0.14, 0.14))


def test_crowded_must_labels_move_off_their_points_rather_than_overlap():
    # Six places that must be named on one spot: each finds a free spot, some farther off (the
    # map ties those to their point with a leader line), and no two overlap.
    reqs = [LabelRequest(f"m{i}", 0.0, 0.0, f"Place {i}", 1, must=True) for i in range(6)]
    out = place_labels(reqs, [(0.0, 0.0)], deg_per_px=0.01)
    assert all(p.shown for p in out)
    assert any((p.dlon, p.dlat) != (0.0, 0.0) for p in out)
    char, line, gap = 0.58 * 14 * 0.01, 1.25 * 14 * 0.01, 9 * 0.01
    boxes = []
    for r, p in zip(reqs, out, strict=True):
        b = _box(r, p.position, char, line, gap)
        boxes.append(_shift(b, p.dlon, p.dlat))
    assert not any(_overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_an_area_name_moves_within_its_area_never_out_of_it():
    """Crowded out of its point, a region's name takes the nearest free place whose centre is
    still inside its polygon (Sikasso had moved to 9.5°N, into Côte d'Ivoire)."""
    from shapely.geometry import box

    area = box(0, 0, 4, 1)  # a wide, flat region: room to the sides, none above or below
    blocker = LabelRequest("town", 2.0, 0.5, "Blocker", 500, centred=True, must=True)
    region = LabelRequest("r", 2.0, 0.5, "<b>Region</b><br>3", 100, centred=True, must=True, area=area)
    out = {p.key: p for p in place_labels([blocker, region], [], deg_per_px=0.01)}
    placed = out["r"]
    assert placed.shown and placed.position == "middle center" and (placed.dlon, placed.dlat) != (0.0, 0.0)
    assert area.contains(Point(2.0 + placed.dlon, 0.5 + placed.dlat))
    assert abs(placed.dlat) < 0.5  # it went sideways, where the area is


def test_the_smallest_area_is_placed_first():
    """Bamako is a point inside Koulikoro: placed first it keeps its point, and Koulikoro, which
    has room, moves; placed in input order Koulikoro took the point and Bamako was stacked on it."""
    from shapely.geometry import box

    koulikoro = LabelRequest("r:ML-2", 0.0, 0.0, "<b>Koulikoro</b><br>1", 100, centred=True, must=True, area=box(-3, -3, 3, 3))
    bamako = LabelRequest("r:ML-BKO", 0.0, 0.0, "<b>Bamako</b><br>3", 100, centred=True, must=True, area=box(-0.05, -0.05, 0.05, 0.05))
    out = {p.key: p for p in place_labels([koulikoro, bamako], [], deg_per_px=0.01)}
    assert (out["r:ML-BKO"].dlon, out["r:ML-BKO"].dlat) == (0.0, 0.0)
    assert (out["r:ML-2"].dlon, out["r:ML-2"].dlat) != (0.0, 0.0)


def test_a_crowded_region_keeps_its_name_inside_it_rather_than_beside_it():
    """When every place inside the region is taken, the name overlaps inside it (the least
    crowded place there) rather than moving into a neighbour, where it would read as the
    neighbour's value."""
    from shapely.geometry import box

    area = box(0, 0, 0.6, 0.1)  # a thin region: a few centres inside it, all under the blocker's name
    blocker = LabelRequest("big", 0.3, 0.05, "A very long name", 500, centred=True, must=True)
    region = LabelRequest("r", 0.3, 0.05, "<b>Region</b> 3", 100, centred=True, must=True, area=area)
    out = {p.key: p for p in place_labels([blocker, region], [], deg_per_px=0.01)}
    assert area.contains(Point(0.3 + out["r"].dlon, 0.05 + out["r"].dlat))  # two lines up was free, outside it


def test_a_region_too_small_for_its_name_may_take_a_place_just_beside_it():
    """Bamako holds no label centre but its point: taken, its name goes just beside it."""
    from shapely.geometry import box

    blocker = LabelRequest("capital", 0.0, 0.0, "Capital", 500, centred=True, must=True)
    tiny = LabelRequest("r", 0.0, 0.0, "<b>Bamako</b><br>3", 100, centred=True, must=True, area=box(-0.01, -0.01, 0.01, 0.01))
    out = {p.key: p for p in place_labels([blocker, tiny], [], deg_per_px=0.01)}
    assert out["r"].shown and (out["r"].dlon, out["r"].dlat) != (0.0, 0.0)
    boxes = [_shift(_box(r, "middle center", 0.58 * 14 * 0.01, 1.25 * 14 * 0.01, 0.02), out[r.key].dlon, out[r.key].dlat)
             for r in (blocker, tiny)]
    assert not _overlaps(*boxes)


def test_an_area_name_stays_in_the_frame_when_its_nearest_places_are_outside():
    """The frame cuts off part of the grid: the name takes the nearest place inside both."""
    from shapely.geometry import box

    region = LabelRequest("r", 0.05, 0.5, "<b>Edge</b><br>1", 100, centred=True, must=True, area=box(-1, 0, 2, 1))
    out = place_labels([region], [], deg_per_px=0.01, bounds=(0.0, 0.0, 2.0, 1.0))[0]
    placed = _shift(_box(region, "middle center", 0.58 * 14 * 0.01, 1.25 * 14 * 0.01, 0.02), out.dlon, out.dlat)
    assert out.shown and out.dlon > 0 and placed.lon0 >= 0.0
