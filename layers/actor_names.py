"""Donors and lead actors in French: the "Chef de file" column, the donor filter, the funding tables.

The data writes who leads or funds an engagement as English free text ("Germany (Federal
Foreign Office)"); a French page shows each in French ("Allemagne (ministère fédéral des
Affaires étrangères)"). Official French names are used where they exist (PSDC, PESC, FED,
Facilité africaine de paix, Fonds fiduciaire d'urgence de l'UE pour l'Afrique, OIM, ONUDC).
``tests/test_actor_names.py`` checks that every donor and lead of the bundled data has its
French name here; a name added to the data without one is shown as written, marked as English.
"""

from __future__ import annotations

FRENCH: dict[str, str] = {
    "AECID (Spanish Agency for International Development Cooperation)":
        "AECID (Agence espagnole de coopération internationale pour le développement)",
    "Agence française de développement (AFD)": "Agence française de développement (AFD)",
    "All contributors (EDF, EU instruments, EU member states and other donors)":
        "Tous les contributeurs (FED, instruments de l’UE, États membres de l’UE et autres bailleurs)",
    "All contributors (European Commission, EU member states and other donors)":
        "Tous les contributeurs (Commission européenne, États membres de l’UE et autres bailleurs)",
    "Belgium (Belgian Defence)": "Belgique (Défense belge)",
    "Burkina Faso": "Burkina Faso",
    "Chad": "Tchad",
    "Confederation of Sahel States (Burkina Faso, Mali, Niger)": "Confédération des États du Sahel (Burkina Faso, Mali, Niger)",
    "Consortium of EU member states led by Austria (with France, Germany, Italy, the Netherlands)":
        "Consortium d’États membres de l’UE mené par l’Autriche (avec la France, l’Allemagne, l’Italie, les Pays-Bas)",
    "ECOWAS (with the African Union)": "CEDEAO (avec l’Union africaine)",
    "EU Emergency Trust Fund for Africa": "Fonds fiduciaire d’urgence de l’UE pour l’Afrique",
    "EU Emergency Trust Fund for Africa (Dutch Ministry of Foreign Affairs contribution)":
        "Fonds fiduciaire d’urgence de l’UE pour l’Afrique (contribution du ministère néerlandais des Affaires étrangères)",
    "EU Emergency Trust Fund for Africa (Sahel and Lake Chad window, approved programmes)":
        "Fonds fiduciaire d’urgence de l’UE pour l’Afrique (volet Sahel et lac Tchad, programmes approuvés)",
    "EU Emergency Trust Fund for Africa (top-up)": "Fonds fiduciaire d’urgence de l’UE pour l’Afrique (complément)",
    "EU Instrument contributing to Stability and Peace (IcSP)": "Instrument contribuant à la stabilité et à la paix de l’UE (IcSP)",
    "EU Internal Security Fund (ISF)": "Fonds pour la sécurité intérieure de l’UE (FSI)",
    "European Border and Coast Guard Agency (Frontex)": "Agence européenne de garde-frontières et de garde-côtes (Frontex)",
    "European Commission": "Commission européenne",
    "European Commission (African Peace Facility)": "Commission européenne (Facilité africaine de paix)",
    "European Commission (DG HOME)": "Commission européenne (DG HOME)",
    "European Commission (EU Emergency Trust Fund for Africa)": "Commission européenne (Fonds fiduciaire d’urgence de l’UE pour l’Afrique)",
    "European Development Fund": "Fonds européen de développement",
    "European Development Fund (regional programming)": "Fonds européen de développement (programmation régionale)",
    "European Union": "Union européenne",
    "European Union (African Peace Facility)": "Union européenne (Facilité africaine de paix)",
    "European Union (African Peace Facility), delegation agreement with Expertise France":
        "Union européenne (Facilité africaine de paix), convention de délégation avec Expertise France",
    "European Union (African Peace Facility), delegation agreement with the UN Secretariat":
        "Union européenne (Facilité africaine de paix), convention de délégation avec le Secrétariat de l’ONU",
    "European Union (African Peace Facility; European Peace Facility from 2023)":
        "Union européenne (Facilité africaine de paix ; Facilité européenne pour la paix à partir de 2023)",
    "European Union (CFSP action under Article 28 TEU, under the auspices of the EU Delegation in Mali)":
        "Union européenne (action PESC au titre de l’article 28 TUE, sous l’égide de la délégation de l’UE au Mali)",
    "European Union (CFSP budget)": "Union européenne (budget PESC)",
    "European Union (CFSP budget, through EUCAP Sahel Mali)": "Union européenne (budget PESC, par EUCAP Sahel Mali)",
    "European Union (CSDP)": "Union européenne (PSDC)",
    "European Union (CSDP; attached to EUCAP Sahel Mali, reporting to the Civilian Operations Commander)":
        "Union européenne (PSDC ; rattachée à EUCAP Sahel Mali, sous l’autorité du commandant des opérations civiles)",
    "European Union (DG DEVCO budget support)": "Union européenne (appui budgétaire de la DG DEVCO)",
    "European Union (DG DEVCO)": "Union européenne (DG DEVCO)",
    "European Union (European Peace Facility)": "Union européenne (Facilité européenne pour la paix)",
    "European Union (IcSP), project CRPG5 implemented by Expertise France":
        "Union européenne (IcSP), projet CRPG5 mis en œuvre par Expertise France",
    "European Union (Instrument contributing to Stability and Peace)":
        "Union européenne (Instrument contribuant à la stabilité et à la paix)",
    "European Union (initial EU funding)": "Union européenne (financement initial de l’UE)",
    "European Union and EUCAP Sahel Mali, with the Government of Mali":
        "Union européenne et EUCAP Sahel Mali, avec le gouvernement du Mali",
    "European Union, with EUCAP Sahel Mali": "Union européenne, avec EUCAP Sahel Mali",
    "France": "France",
    "France (Agence française de développement)": "France (Agence française de développement)",
    "France (lead nation) with European partners": "France (nation-cadre) avec des partenaires européens",
    "G5 Sahel (Burkina Faso, Chad, Mali, Mauritania, Niger)": "G5 Sahel (Burkina Faso, Tchad, Mali, Mauritanie, Niger)",
    "Germany (Bundeswehr, under Bundestag mandates)": "Allemagne (Bundeswehr, sur mandats du Bundestag)",
    "Germany (Federal Foreign Office)": "Allemagne (ministère fédéral des Affaires étrangères)",
    "IOM": "OIM",
    "Italy": "Italie",
    "Japan": "Japon",
    "Mali": "Mali",
    "Mauritania": "Mauritanie",
    "Netherlands": "Pays-Bas",
    "Netherlands (Ministry of Defence)": "Pays-Bas (ministère de la Défense)",
    "Netherlands Ministry of Foreign Affairs (contribution channelled through the EUTF for Africa)":
        "Ministère néerlandais des Affaires étrangères (contribution versée par le fonds fiduciaire de l’UE pour l’Afrique)",
    "Niger": "Niger",
    "Not stated (implemented by CIVIPOL)": "Non précisé (mis en œuvre par CIVIPOL)",
    "Not stated in the source": "Non précisé dans la source",
    "Russia (Wagner Group to June 2025; then Africa Corps, under the Russian Ministry of Defence)":
        "Russie (groupe Wagner jusqu’en juin 2025 ; puis Africa Corps, sous l’autorité du ministère russe de la Défense)",
    "Saudi Arabia": "Arabie saoudite",
    "Spain": "Espagne",
    "Spain (Spanish Police)": "Espagne (police espagnole)",
    "Sweden (Swedish Armed Forces)": "Suède (forces armées suédoises)",
    "UNODC (funded by the Netherlands and Italy)": "ONUDC (financé par les Pays-Bas et l’Italie)",
    "United Arab Emirates": "Émirats arabes unis",
    "United Kingdom (British Army)": "Royaume-Uni (armée britannique)",
    "United Nations": "Nations unies",
    "United Nations Member States (assessed peacekeeping contributions)":
        "États membres des Nations unies (contributions obligatoires au maintien de la paix)",
    "United States": "États-Unis",
}


def actor_name(name: str, lang: str) -> str:
    """A donor or lead actor as the data writes it, in ``lang`` (as written when no French is known)."""
    return FRENCH.get(name, name) if lang == "fr" else name


def has_french(name: str) -> bool:
    """Whether ``name`` has a French name here (an unknown one is shown as written, in English)."""
    return name in FRENCH or not name
