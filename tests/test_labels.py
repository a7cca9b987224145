from layers.labels import LabelRequest, _box, _overlaps, place_labels


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
