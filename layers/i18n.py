"""English and French: every UI string, vocabulary label, number and date format.

French is a first-class language here (Malian and French counterparts are primary users), so
every key must exist in both; ``tests/test_i18n.py`` enforces it.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

Lang = str

STRINGS: dict[str, dict[str, str]] = {
    "title": {"en": "Security assistance to Mali and the Sahel, 2012–today",
              "fr": "Assistance sécuritaire au Mali et au Sahel, de 2012 à aujourd’hui"},
    "subtitle": {"en": "Who did what, where, when and for how much — with every figure sourced",
                 "fr": "Qui a fait quoi, où, quand et pour combien — chaque chiffre avec sa source"},
    "filters": {"en": "Filters", "fr": "Filtres"},
    "regions": {"en": "Regions", "fr": "Régions"},
    "donors": {"en": "Donors", "fr": "Bailleurs"},
    "actors": {"en": "Actor type", "fr": "Type d’acteur"},
    "sectors": {"en": "Sector", "fr": "Secteur"},
    "search": {"en": "Search engagements", "fr": "Rechercher un engagement"},
    "search_placeholder": {"en": "name or acronym, e.g. EUTM", "fr": "nom ou sigle, p. ex. EUTM"},
    "year": {"en": "Year", "fr": "Année"},
    "play": {"en": "▶ Play", "fr": "▶ Lecture"},
    "pause": {"en": "❚❚ Pause", "fr": "❚❚ Pause"},
    "reset": {"en": "Reset view", "fr": "Réinitialiser"},
    "metric": {"en": "Map colour", "fr": "Couleur de la carte"},
    "layers": {"en": "Layers", "fr": "Couches"},
    "language": {"en": "Language", "fr": "Langue"},
    "selected": {"en": "Focus on engagement", "fr": "Engagement sélectionné"},
    "any": {"en": "All", "fr": "Tous"},
    "share": {"en": "Link to this view", "fr": "Lien vers cette vue"},
    "share_hint": {"en": "Copy this address to share the exact view.",
                   "fr": "Copiez cette adresse pour partager exactement cette vue."},
    "metric_idp": {"en": "Internally displaced people", "fr": "Personnes déplacées internes"},
    "metric_budget": {"en": "Budget attributed to the region", "fr": "Budget attribué à la région"},
    "metric_engagements": {"en": "Active engagements", "fr": "Engagements actifs"},
    "unit_idp": {"en": "people", "fr": "personnes"},
    "unit_budget": {"en": "EUR, period totals", "fr": "EUR, totaux de période"},
    "unit_engagements": {"en": "engagements", "fr": "engagements"},
    "layer_regions": {"en": "Regions (colour)", "fr": "Régions (couleur)"},
    "layer_sites": {"en": "Sites", "fr": "Sites"},
    "layer_footprint": {"en": "Area of operations", "fr": "Zone d’opérations"},
    "layer_context": {"en": "Sahel context", "fr": "Contexte sahélien"},
    "layer_labels": {"en": "Labels", "fr": "Étiquettes"},
    "map_heading": {"en": "Map", "fr": "Carte"},
    "timeline_heading": {"en": "Mandates and key events", "fr": "Mandats et événements clés"},
    "table_heading": {"en": "Engagements in this view", "fr": "Engagements de cette vue"},
    "detail_heading": {"en": "Engagement details", "fr": "Détails de l’engagement"},
    "detail_empty": {"en": "Click a timeline row, a table row or choose an engagement to see its mandates, funding, sites and sources.",
                     "fr": "Cliquez sur une ligne de la chronologie ou du tableau, ou choisissez un engagement, pour voir ses mandats, financements, sites et sources."},
    "download_csv": {"en": "Download CSV", "fr": "Télécharger CSV"},
    "download_xlsx": {"en": "Download Excel", "fr": "Télécharger Excel"},
    "unknown": {"en": "unknown", "fr": "inconnu"},
    "no_data": {"en": "no data", "fr": "pas de donnée"},
    "as_of": {"en": "as of", "fr": "au"},
    "in_year": {"en": "in", "fr": "en"},
    "sources": {"en": "Sources", "fr": "Sources"},
    "kf_active": {"en": "Active engagements", "fr": "Engagements actifs"},
    "kf_budget": {"en": "Budget (period totals)", "fr": "Budget (totaux de période)"},
    "kf_personnel": {"en": "Personnel (latest reported)", "fr": "Personnel (dernier chiffre connu)"},
    "kf_idp": {"en": "Internally displaced (Mali)", "fr": "Déplacés internes (Mali)"},
    "kf_budget_note": {"en": "{n} with budget; {u} unknown; annual figures and pledges not added",
                       "fr": "{n} avec budget ; {u} inconnus ; chiffres annuels et promesses non additionnés"},
    "kf_personnel_note": {"en": "{n} of {m} engagements report staff",
                          "fr": "{n} engagements sur {m} indiquent leurs effectifs"},
    "kf_idp_note": {"en": "latest count in {year}", "fr": "dernier décompte en {year}"},
    "not_attributed": {"en": "Not attributed to a region: {national} national, {multi} multi-country",
                       "fr": "Non attribué à une région : {national} national, {multi} multi-pays"},
    "boundary_note": {
        "en": "Boundaries: Natural Earth (public domain). Regions as before 2016: Ménaka is drawn inside Gao and Taoudénit inside Tombouctou; figures for them are attributed to those polygons. Boundaries do not imply endorsement.",
        "fr": "Limites : Natural Earth (domaine public). Régions antérieures à 2016 : Ménaka est incluse dans Gao et Taoudénit dans Tombouctou ; leurs chiffres sont attribués à ces polygones. Les limites n’impliquent aucune reconnaissance officielle."},
    "attribution": {"en": "Places: GeoNames (CC BY 4.0)", "fr": "Lieux : GeoNames (CC BY 4.0)"},
    "precision_open": {"en": "Open symbol: shown at the nearest town, not the exact site",
                       "fr": "Symbole creux : placé à la ville la plus proche, pas au site exact"},
    "crosswalk_note": {"en": "includes {names} (attributed via crosswalk)",
                       "fr": "inclut {names} (attribué via la table de correspondance)"},
    "mandates": {"en": "Mandates", "fr": "Mandats"},
    "funding": {"en": "Funding by donor", "fr": "Financement par bailleur"},
    "sites": {"en": "Sites", "fr": "Sites"},
    "figures": {"en": "Reported figures", "fr": "Chiffres publiés"},
    "disputes": {"en": "Where sources disagree", "fr": "Divergences entre sources"},
    "shown_value": {"en": "shown", "fr": "affiché"},
    "period": {"en": "Period", "fr": "Période"},
    "legal_basis": {"en": "Legal basis", "fr": "Base juridique"},
    "budget": {"en": "Budget", "fr": "Budget"},
    "area": {"en": "Area", "fr": "Zone"},
    "donor": {"en": "Donor", "fr": "Bailleur"},
    "amount": {"en": "Amount", "fr": "Montant"},
    "name": {"en": "Name", "fr": "Nom"},
    "kind": {"en": "Kind", "fr": "Type"},
    "lead": {"en": "Lead", "fr": "Chef de file"},
    "start": {"en": "Start", "fr": "Début"},
    "end": {"en": "End", "fr": "Fin"},
    "scope": {"en": "Scope", "fr": "Portée"},
    "events": {"en": "Key events", "fr": "Événements clés"},
    "ongoing": {"en": "ongoing", "fr": "en cours"},
    "rows_shown": {"en": "{n} engagements match the filters (active in {year})",
                   "fr": "{n} engagements correspondent aux filtres (actifs en {year})"},
    "data_warning": {"en": "Lenient mode: {n} rows were rejected and are NOT shown:",
                     "fr": "Mode tolérant : {n} lignes rejetées ne sont PAS affichées :"},
    "ignored_link": {"en": "Parts of the link were not understood and were ignored: {items}",
                     "fr": "Des éléments du lien n’ont pas été compris et ont été ignorés : {items}"},
    "data_as_of": {"en": "Data as of {date}", "fr": "Données au {date}"},
    "g5_member": {"en": "G5 Sahel member", "fr": "Membre du G5 Sahel"},
    "attributed_budget": {"en": "attributed budget", "fr": "budget attribué"},
    "personnel": {"en": "Personnel", "fr": "Personnel"},
    "description": {"en": "Description", "fr": "Description"},
    "locator": {"en": "Locator", "fr": "Localisation dans la source"},
    "skip_to_table": {"en": "Skip to the table (text alternative to the map)",
                      "fr": "Aller au tableau (alternative textuelle à la carte)"},
    "precision": {"en": "Location precision", "fr": "Précision de la localisation"},
    "implementer": {"en": "Implementer", "fr": "Opérateur"},
    "component_not_added": {"en": "component of the total — not added", "fr": "composante du total — non additionnée"},
    "export": {"en": "Export this view:", "fr": "Exporter cette vue :"},
    "brief_keys": {"en": "→/← scenes · 1–9 jump · space play · Esc exit", "fr": "→/← scènes · 1–9 aller à · espace lecture · Échap quitter"},
    "briefing": {"en": "Briefing", "fr": "Présentation"},
    "start_briefing": {"en": "Start briefing", "fr": "Lancer la présentation"},
    "present_view": {"en": "Present this view", "fr": "Présenter cette vue"},
    "exit_briefing": {"en": "Exit briefing", "fr": "Quitter la présentation"},
    "save_scene": {"en": "This view as a scene (paste into a briefing file)", "fr": "Cette vue comme scène (à coller dans un fichier de présentation)"},
    "end_unknown": {"en": "end unknown", "fr": "fin inconnue"},
    "end_unknown_legend": {"en": "Hatched: end unknown", "fr": "Hachuré : fin inconnue"},
    "of_which": {"en": "of which national {national}, multi-country {multi}",
                 "fr": "dont national {national}, multi-pays {multi}"},
    "funds_not_counted": {"en": "{n} funds or aggregate portfolios listed, not counted",
                          "fr": "{n} fonds ou portefeuilles agrégés listés, non comptés"},
    "figures_from": {"en": "figures dated {years}", "fr": "chiffres datés de {years}"},
    "rows_hidden": {"en": "… and {n} more engagements (see the table)", "fr": "… et {n} autres engagements (voir le tableau)"},
    "grid_capped": {"en": "The first {n} are shown; the downloads include all.",
                    "fr": "Les {n} premiers sont affichés ; les téléchargements les contiennent tous."},
    "unmapped": {"en": "not on the map (no coordinates)", "fr": "absent de la carte (sans coordonnées)"},
}

VOCAB: dict[str, dict[str, str]] = {
    # actor types
    "eu_csdp": {"en": "EU CSDP mission", "fr": "Mission PSDC de l’UE"},
    "eu_other": {"en": "EU (other instruments)", "fr": "UE (autres instruments)"},
    "trust_fund": {"en": "EU Trust Fund for Africa", "fr": "Fonds fiduciaire de l’UE pour l’Afrique"},
    "un": {"en": "United Nations", "fr": "Nations unies"},
    "france": {"en": "France", "fr": "France"},
    "member_state": {"en": "EU member state / European partner", "fr": "État membre de l’UE / partenaire européen"},
    "regional": {"en": "Regional (G5 Sahel, ECOWAS, AU)", "fr": "Régional (G5 Sahel, CEDEAO, UA)"},
    "other_donor": {"en": "Other donor", "fr": "Autre bailleur"},
    "unknown": {"en": "Not stated", "fr": "Non précisé"},
    # sectors
    "training": {"en": "Training", "fr": "Formation"},
    "advising": {"en": "Advising", "fr": "Conseil"},
    "equipping": {"en": "Equipping", "fr": "Équipement"},
    "policing": {"en": "Policing", "fr": "Police"},
    "border_management": {"en": "Border management", "fr": "Gestion des frontières"},
    "military_operations": {"en": "Military operations", "fr": "Opérations militaires"},
    "peacekeeping": {"en": "Peacekeeping", "fr": "Maintien de la paix"},
    "justice": {"en": "Justice", "fr": "Justice"},
    "migration": {"en": "Migration", "fr": "Migration"},
    "governance": {"en": "Governance", "fr": "Gouvernance"},
    "development": {"en": "Development", "fr": "Développement"},
    "funding": {"en": "Funding", "fr": "Financement"},
    # site kinds
    "training_site": {"en": "Training site", "fr": "Site de formation"},
    "headquarters": {"en": "Headquarters", "fr": "Quartier général"},
    "base": {"en": "Base", "fr": "Base"},
    "border_post": {"en": "Border post", "fr": "Poste frontière"},
    "police_unit": {"en": "Police unit", "fr": "Unité de police"},
    "school": {"en": "School / academy", "fr": "École / académie"},
    "project_site": {"en": "Project site", "fr": "Site de projet"},
    "town": {"en": "Town", "fr": "Ville"},
    # precision
    "exact": {"en": "exact site", "fr": "site exact"},
    "nearest_town": {"en": "shown at nearest town", "fr": "placé à la ville la plus proche"},
    "region_centroid": {"en": "region centroid", "fr": "centre de la région"},
    # scopes, statuses, bases
    "national": {"en": "National", "fr": "National"},
    "regions": {"en": "Listed regions", "fr": "Régions listées"},
    "multi_country": {"en": "Multi-country", "fr": "Multi-pays"},
    "active": {"en": "Active", "fr": "En cours"},
    "ended": {"en": "Ended", "fr": "Terminé"},
    "planned": {"en": "Planned", "fr": "Prévu"},
    "period_total": {"en": "period total", "fr": "total de la période"},
    "annual": {"en": "annual", "fr": "annuel"},
    "pledge": {"en": "pledge", "fr": "promesse"},
    # event kinds
    "coup": {"en": "Coup", "fr": "Coup d’État"},
    "accord": {"en": "Accord", "fr": "Accord"},
    "resolution": {"en": "UN resolution", "fr": "Résolution de l’ONU"},
    "summit": {"en": "Summit", "fr": "Sommet"},
    "operation_start": {"en": "Operation start", "fr": "Début d’opération"},
    "operation_end": {"en": "Operation end", "fr": "Fin d’opération"},
    "decision": {"en": "Decision", "fr": "Décision"},
    "withdrawal": {"en": "Withdrawal", "fr": "Retrait"},
    "attack": {"en": "Attack", "fr": "Attaque"},
    "conflict": {"en": "Conflict", "fr": "Conflit"},
    "request": {"en": "Request", "fr": "Demande"},
    "institution": {"en": "Institution", "fr": "Institution"},
    "election": {"en": "Election", "fr": "Élection"},
    # engagement kinds
    "csdp_military_mission": {"en": "CSDP military mission", "fr": "Mission militaire PSDC"},
    "csdp_civilian_mission": {"en": "CSDP civilian mission", "fr": "Mission civile PSDC"},
    "un_peace_operation": {"en": "UN peace operation", "fr": "Opération de paix de l’ONU"},
    "bilateral_military_operation": {"en": "Bilateral military operation", "fr": "Opération militaire bilatérale"},
    "multinational_task_force": {"en": "Multinational task force", "fr": "Force opérationnelle multinationale"},
    "regional_force": {"en": "Regional force", "fr": "Force régionale"},
    "trust_fund_project": {"en": "Trust-fund project", "fr": "Projet du fonds fiduciaire"},
    "bilateral_project": {"en": "Bilateral project", "fr": "Projet bilatéral"},
    "multilateral_programme": {"en": "Multilateral programme", "fr": "Programme multilatéral"},
    "budget_support": {"en": "Budget support", "fr": "Appui budgétaire"},
    "troop_contribution": {"en": "Troop contribution", "fr": "Contribution en troupes"},
    "aggregate_portfolio": {"en": "Aggregate portfolio", "fr": "Portefeuille agrégé"},
    # indicators
    "personnel_ceiling": {"en": "Personnel ceiling", "fr": "Plafond d’effectifs"},
    "trainees_cumulative": {"en": "Trained (cumulative)", "fr": "Formés (cumul)"},
    "advisers": {"en": "Advisers", "fr": "Conseillers"},
    "international_staff": {"en": "International staff", "fr": "Personnel international"},
    "local_staff": {"en": "Local staff", "fr": "Personnel local"},
    "units": {"en": "Units", "fr": "Unités"},
    "contributing_countries": {"en": "Contributing countries", "fr": "Pays contributeurs"},
    "personnel": {"en": "Personnel", "fr": "Personnel"},
    # qualifiers
    "approx": {"en": "about", "fr": "environ"},
    "up_to": {"en": "up to", "fr": "jusqu’à"},
    "over": {"en": "over", "fr": "plus de"},
    "almost": {"en": "almost", "fr": "près de"},
}

_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
}
# Compact euro units, largest first: (size, English suffix, French suffix).
_EUR_UNITS = ((1e9, " bn", " Md€"), (1e6, " M", " M€"), (1e3, " k", " k€"))
ISO_YEAR_LEN, ISO_MONTH_LEN = 4, 7  # "2019", "2019-05": the precision a date was given at
NBSP = "\u202f"  # French thousands separator (narrow no-break space)


def t(key: str, lang: Lang, **kwargs: object) -> str:
    """The UI string ``key`` in ``lang`` (falls back to English), formatted with kwargs."""
    entry = STRINGS.get(key) or VOCAB.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**kwargs) if kwargs else text


def label(code: str, lang: Lang) -> str:
    """The human label of a vocabulary code (actor type, sector, kind ...)."""
    entry = VOCAB.get(code)
    return (entry.get(lang) or entry["en"]) if entry else code


def fmt_int(value: float | None, lang: Lang) -> str:
    """A whole number with the language's thousands separator; "unknown" if missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return t("unknown", lang)
    text = f"{round(float(value)):,}"
    return text.replace(",", NBSP) if lang == "fr" else text


def fmt_eur(value: float | None, lang: Lang) -> str:
    """A euro amount, compact: "€29.0 M" in English, "29,0 M€" in French."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return t("unknown", lang)
    value = float(value)
    number, suffix_en, suffix_fr = value, "", " €"
    for unit, en, fr in _EUR_UNITS:
        if abs(value) >= unit:
            number, suffix_en, suffix_fr = value / unit, en, fr
            break
    text = f"{number:,.1f}" if abs(value) >= _EUR_UNITS[-1][0] else f"{number:,.0f}"
    if lang == "fr":
        return text.replace(",", NBSP).replace(".", ",") + suffix_fr
    return f"€{text}{suffix_en}"


def fmt_date(value: pd.Timestamp | date | None, lang: Lang, text: str = "") -> str:
    """A date at the precision it was given (``text`` is the source's ISO string)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return t("unknown", lang)
    ts = pd.Timestamp(value)
    month = _MONTHS.get(lang, _MONTHS["en"])[ts.month - 1]
    precision = len(text) if text else 10
    if precision == ISO_YEAR_LEN:
        return str(ts.year)
    if precision == ISO_MONTH_LEN:
        return f"{month} {ts.year}"
    return f"{ts.day} {month} {ts.year}"
