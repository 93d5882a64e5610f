"""Sizes, dates and the Dutch vocabulary of the benchmark data (bench/generate.py)."""

from datetime import date

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
SEED = 20_261_122
START = date(2016, 1, 1)
END = date(2026, 11, 20)  # "today" of the data: fixed, so the data set does not depend on the day it is made
JAAR = 2025  # the jaarmonitor year that is measured (a full year inside the data)

PASSWORD = "bench-wachtwoord-2026"  # noqa: S105 (synthetic bench accounts in a throw-away database)

ORGANISATIES = [
    # naam, soort, regisseurs (weight), expertise
    ("Carinova", "zorg", 6, ["sociaal_isolement", "psychiatrie"]),
    ("Dimence", "zorg", 10, ["psychiatrie"]),
    ("GGD IJsselland", "zorg", 4, ["sociaal_isolement", "dakloos"]),
    ("Iriszorg", "zorg", 8, ["verslaving", "dakloos"]),
    ("MEE IJsseloevers", "zorg", 5, ["sociaal_isolement"]),
    ("Pactum/De Kij", "jeugd", 3, ["criminaliteit"]),
    ("Tactus Verslavingszorg", "zorg", 8, ["verslaving"]),
    ("Leger des Heils", "zorg", 5, ["dakloos", "verslaving"]),
    ("Sociaal Wijkteam Deventer", "gemeente", 8, ["schulden", "werkloosheid_uitkering", "sociaal_isolement"]),
    ("Jeugdbescherming Overijssel", "jeugd", 3, ["geweldsslachtoffer"]),
    ("Veilig Thuis IJsselland", "veiligheid", 3, ["geweldsslachtoffer"]),
    ("Schuldhulpverlening Deventer", "gemeente", 3, ["schulden"]),
    ("Humanitas Deventer", "overig", 1, ["sociaal_isolement"]),
    ("Reclassering Nederland", "veiligheid", 3, ["criminaliteit"]),
    ("Gemeente Deventer", "gemeente", 0, []),
    ("Rentree Wonen", "wonen", 0, ["dakloos"]),
    ("Woonbedrijf Ieder1", "wonen", 0, []),
    ("Woonstichting De Marken", "wonen", 0, []),
    ("Politie Oost-Nederland", "veiligheid", 0, ["criminaliteit"]),
    ("Openbaar Ministerie Oost-Nederland", "veiligheid", 0, []),
    ("CJG Deventer", "jeugd", 0, []),
    ("Saxion Hogeschool", "jeugd", 0, []),
    ("Stichting Present Deventer", "overig", 0, []),
    ("UWV Deventer", "overig", 0, ["werkloosheid_uitkering"]),
]
N_REGISSEURS = 800
N_PROFESSIONALS = 260
ROLLEN = {"meldpunt": 30, "procesmanager": 4, "coordinerend_ambtenaar": 3, "wethouder": 2, "beleidsambtenaar": 5}
ROLLEN["functioneel_beheer"] = 3
ROLLEN["burgemeester"] = 1  # of the own gemeente; every other gemeente of REGIO has one of each GEMEENTE_ROLLEN

LEEFGEBIEDEN = [
    "verslaving",
    "criminaliteit",
    "psychiatrie",
    "schulden",
    "dakloos",
    "werkloosheid_uitkering",
    "geweldsslachtoffer",
    "sociaal_isolement",
]
AANMELDROUTES = [
    ("oggz", 30),
    ("huiselijk_geweld", 14),
    ("ex_gedetineerden", 6),
    ("loverboys", 2),
    ("veelplegers", 6),
    ("woonoverlast", 18),
    ("hooligans", 1),
    ("jeugd_veiligheid", 6),
    ("cjg", 7),
    ("zwerfjongeren", 4),
    ("overig", 6),
]
AANLEIDINGEN = [
    "Buren melden ernstige vervuiling van de woning en stankoverlast in het trappenhuis.",
    "Huurachterstand van vijf maanden; ontruiming dreigt, bewoner opent de deur niet.",
    "Wijkagent ziet verward gedrag op straat en meerdere incidenten in korte tijd.",
    "Huisarts maakt zich zorgen: patient mijdt zorg en is sterk vermagerd.",
    "Melding van geluidsoverlast en ruzies in de nacht, kinderen in huis.",
    "Na detentie geen woning en geen inkomen; overnacht wisselend bij kennissen.",
    "School meldt veel verzuim en signalen van verwaarlozing bij twee kinderen.",
    "Woningcorporatie: brandgevaarlijke situatie door opgestapelde spullen.",
    "Schuldhulpverlening loopt vast; post wordt niet geopend, energie afgesloten.",
    "Familie meldt alcoholgebruik en agressie richting hulpverleners.",
    "Jongere zwerft sinds enkele weken, slaapt in een fietsenstalling.",
    "Meerdere meldingen van intimidatie van buurtbewoners door de bewoner.",
]
JOURNAAL = [
    "Huisbezoek afgelegd; bewoner liet ons binnen en was aanspreekbaar.",
    "Telefonisch contact met de woningcorporatie over de huurachterstand.",
    "Overleg met huisarts over medicatie en vervolgafspraak.",
    "Bewoner niet thuis getroffen; kaartje achtergelaten.",
    "Aanvraag beschermingsbewind ingediend bij de rechtbank.",
    "Afstemming met wijkagent over recente incidenten.",
    "Intake bij verslavingszorg gepland voor volgende week.",
    "Gesprek met partner over de veiligheid van de kinderen.",
]
DOELEN = [
    "Stabiele woonsituatie zonder dreiging van ontruiming.",
    "Inkomen op orde en schulden in een regeling.",
    "In behandeling bij de GGZ en medicatie op peil.",
    "Minder overlast voor de buurt, geen nieuwe incidenten.",
    "Kinderen gaan weer dagelijks naar school.",
    "Dagbesteding gevonden en sociaal netwerk versterkt.",
]
ACTIES = [
    "Huisbezoek samen met de woningcorporatie",
    "Aanvraag bijzondere bijstand indienen",
    "Intake plannen bij de verslavingszorg",
    "Afspraak met huisarts en POH-GGZ",
    "Bewindvoering regelen",
    "Overleg met school en leerplicht",
]
STRATEN_EXTRA = ["Brink", "Lange Bisschopstraat", "Keizerstraat", "Snipperlingsdijk", "Amstellaan"]

# The region of the bench data (issue 18/20: 20 gemeenten): the 11 gemeenten of GGD IJsselland and 9 neighbours
# (Noord- en Oost-Gelderland, Twente's Rijssen-Holten). CBS code, name, inhabitants (CBS 1 January 2024, rounded:
# the weight of the meldingen), postcode area (first two digits), wijken or kernen. Deventer (the installation's
# own gemeente, BZT_GEMEENTE_CODE) keeps the wijken of settings.BZT_WIJKEN.
REGIO = [
    ("GM0150", "Deventer", 102_000, 74, None),
    ("GM0200", "Apeldoorn", 167_000, 73,
     ["Apeldoorn-Centrum", "Zevenhuizen", "De Maten", "Zuidbroek", "Osseveld", "Ugchelen", "Beekbergen", "Loenen",
      "Kerschoten", "Orden"]),
    ("GM0193", "Zwolle", 132_000, 80,
     ["Binnenstad Zwolle", "Assendorp", "Diezerpoort", "Holtenbroek", "Aa-landen", "Stadshagen", "Westenholte",
      "Zwolle-Zuid", "Berkum"]),
    ("GM0160", "Hardenberg", 62_000, 77,
     ["Hardenberg-Centrum", "Baalder", "Heemse", "Dedemsvaart", "Gramsbergen", "Bergentheim", "Slagharen"]),
    ("GM0166", "Kampen", 55_000, 82,
     ["Kampen-Centrum", "Brunnepe", "Hanzewijk", "IJsselmuiden", "Wilsum", "Grafhorst"]),
    ("GM0301", "Zutphen", 48_800, 72,
     ["Zutphen-Centrum", "Noordveen", "Waterkwartier", "Leesten", "Zuidwijken", "Warnsveld", "Looierslanden"]),
    ("GM1708", "Steenwijkerland", 45_000, 83,
     ["Steenwijk", "Vollenhove", "Giethoorn", "Oldemarkt", "Blokzijl", "Willemsoord"]),
    ("GM0177", "Raalte", 38_900, 81,
     ["Raalte-Centrum", "Raalte-Noord", "Raalte-Zuid", "Heino", "Luttenberg", "Broekland", "Heeten"]),
    ("GM1742", "Rijssen-Holten", 38_500, 74, ["Rijssen-Centrum", "Rijssen-Noord", "Holten", "Dijkerhoek"]),
    ("GM0262", "Lochem", 34_900, 72,
     ["Lochem-Stad", "Laren", "Barchem", "Gorssel", "Eefde", "Epse", "Almen", "Harfsen"]),
    ("GM0232", "Epe", 33_500, 81, ["Epe-Centrum", "Vaassen", "Emst", "Oene"]),
    ("GM0148", "Dalfsen", 29_000, 77, ["Dalfsen-Kern", "Nieuwleusen", "Lemelerveld", "Hoonhorst", "Oudleusen"]),
    ("GM0285", "Voorst", 25_000, 73, ["Twello", "Wilp", "Teuge", "Terwolde", "Klarenbeek", "Voorst-Dorp"]),
    ("GM1896", "Zwartewaterland", 23_000, 80, ["Hasselt", "Genemuiden", "Zwartsluis"]),
    ("GM0213", "Brummen", 21_000, 69, ["Brummen-Dorp", "Eerbeek", "Hall", "Leuvenheim"]),
    ("GM0246", "Heerde", 19_000, 81, ["Heerde-Dorp", "Wapenveld", "Veessen", "Vorchten"]),
    ("GM1773", "Olst-Wijhe", 18_900, 81, ["Olst", "Wijhe", "Boskamp", "Welsum", "Wesepe", "Marle", "Den Nul"]),
    ("GM0175", "Ommen", 18_500, 77, ["Ommen-Stad", "Vilsteren", "Beerze", "Arriën", "Lemele"]),
    ("GM0180", "Staphorst", 17_800, 79, ["Staphorst-Dorp", "Rouveen", "IJhorst"]),
    ("GM0244", "Hattem", 12_500, 80, ["Hattem-Centrum", "Hattem-Noord", "Hattem-Zuid"]),
]  # fmt: skip
# The gemeenten whose gemeente-bound bench accounts the workloads log in with: the largest and the smallest.
GEMEENTE_GROOT, GEMEENTE_KLEIN = "GM0200", "GM0244"
# The gemeente-bound roles every gemeente has an account for (Deventer keeps ROLLEN's counts).
GEMEENTE_ROLLEN = ["coordinerend_ambtenaar", "wethouder", "burgemeester", "beleidsambtenaar"]
