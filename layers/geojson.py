"""GeoJSON helpers: layers to compact GeoJSON dicts and label anchors, built once per catalog."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from layers.map_base import Country, MapBase, MapVersion, RiverLabel, Town

# Hand-tuned label anchors would be an opinion; representative points are guaranteed
# inside each polygon. Bamako is tiny, so its label sits on the point itself.


def to_geojson(frame: gpd.GeoDataFrame, properties: tuple[str, ...], precision: int = 4) -> dict:
    """A FeatureCollection dict for plotly geo traces: only ``properties``, rounded coordinates.

    Rings are oriented *clockwise* (exterior): plotly's geo traces use d3-geo, which reads a
    counter-clockwise ring as "the whole globe except this polygon" (the opposite of RFC 7946,
    which the files on disk follow).
    """
    features = []
    for _, row in frame.iterrows():
        geom = shapely.set_precision(row.geometry, 10**-precision) if precision else row.geometry
        geom = shapely.orient_polygons(geom, exterior_cw=True)
        features.append({
            "type": "Feature",
            "properties": {p: (bool(row[p]) if isinstance(row[p], bool) else row[p]) for p in properties},
            "geometry": shapely.geometry.mapping(geom),
        })
    return {"type": "FeatureCollection", "features": features}


def _points(regions: gpd.GeoDataFrame) -> dict[str, tuple[float, float]]:
    return {code: (round(pt.x, 3), round(pt.y, 3))
            for code, pt in zip(regions["region_code"], regions.geometry.representative_point(), strict=True)}


def build_map_base(regions: gpd.GeoDataFrame, countries: gpd.GeoDataFrame, towns: pd.DataFrame | None = None,
                   labels: pd.DataFrame | None = None, versions: tuple = ()) -> MapBase:
    """The static map inputs: geometry as GeoJSON, region names, label anchor points, the
    curated towns and river names (``data/geo/towns.csv``, ``map_labels.csv``), and every
    boundary version (``sahel_data.boundaries``; default: ``regions`` alone, as "base").
    """
    layers = [(v.version_id, v.regions, v.label) for v in versions] or [("base", regions, {"en": "", "fr": ""})]
    features = []
    names: dict[str, dict[str, str]] = {}
    map_versions = []
    for vid, frame, label in layers:
        keyed = frame.assign(key=[f"{vid}|{code}" for code in frame["region_code"]])
        features += to_geojson(keyed, ("key", "region_code"), precision=0)["features"]
        for code, en, fr in zip(frame["region_code"], frame["name_en"], frame["name_fr"], strict=True):
            names.setdefault(code, {"en": en, "fr": fr})
        areas, points = dict(zip(frame["region_code"], frame.geometry, strict=True)), _points(frame)
        shapely.prepare(list(areas.values()))  # label placement asks each whether a point is inside,
        for code, area in areas.items():  # and GEOS builds a prepared polygon's index on its first use: here,
            shapely.contains_xy(area, *points[code])  # before gunicorn forks, not in two threads at once
        map_versions.append(MapVersion(vid, tuple(sorted(frame["region_code"])), points, label, areas))
    country_points = countries.geometry.representative_point()
    return MapBase(
        regions_geojson={"type": "FeatureCollection", "features": features},
        countries_geojson=to_geojson(countries, ("iso3",), precision=0),
        region_names=names,
        region_points=map_versions[0].points,
        versions=tuple(map_versions),
        countries=tuple(
            Country(iso, en, fr, bool(g5), round(pt.x, 3), round(pt.y, 3))
            for iso, en, fr, g5, pt in zip(countries["iso3"], countries["name_en"], countries["name_fr"], countries["g5_sahel"], country_points, strict=True)
        ),
        towns=tuple(Town(str(i), en, fr, kind, float(lon), float(lat), str(region or "")) for i, en, fr, kind, lon, lat, region in
                    zip(towns.index, towns["name_en"], towns["name_fr"], towns["kind"], towns["lon"], towns["lat"],
                        towns["admin1"], strict=True))
        if towns is not None else (),
        river_labels=tuple(RiverLabel(en, fr, float(lon), float(lat)) for en, fr, kind, lon, lat in
                           zip(labels["name_en"], labels["name_fr"], labels["kind"], labels["lon"], labels["lat"], strict=True)
                           if kind == "river") if labels is not None else (),
    )
