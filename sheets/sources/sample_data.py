"""The figures of the sample workbook, each row keyed by column and citing its public source.

Copied from the worked cases (tests/data/cases.json and seed_cases.json: PZH letters to
's-Gravenhage 2020-2022, the Haaglanden e-mail of 30 March 2022, the Den Haag memo of 30 August
2022, the Utrecht overview of 7 November 2022, Leusden's plan of approach 2022). A figure computed
from stated ones says "afgeleid" in `bron`; nothing is invented.
"""

from __future__ import annotations

from datetime import date as D
from typing import Any

Row = dict[str, Any]

B21_01 = "PZH-brief 'Stand van zaken per 1 januari 2021' (PZH-2020-762311024)"
B21_04 = "PZH-brief 'Stand van zaken per 1 april 2021' (PZH-2021-775220428)"
B21_07 = "PZH-brief 'Beoordeling per 1 juli 2021' (PZH-2021-780618550)"
B21_10 = "PZH-brief 'Stand van zaken per 1 oktober 2021' (PZH-2021-791275934)"
B22_01 = "PZH-brief 'beoordeling 1 januari 2022' (PZH-2022-797125110)"
B22_03 = "e-mail PZH aan Den Haag 30 maart 2022 'Re: interventieladder' (stand 21 maart 2022)"
B22_04 = "PZH-brief 'Stand van zaken per 1 april 2022'"
B22_07 = "PZH-brief 'Beoordeling 1 juli 2022'"
B22_10 = "PZH-brief 1 oktober 2022"
B_MEMO = "memo Den Haag 'Invulling asielakkoord' 30 augustus 2022, tabel 1"
B_UTR = (
    "provincie Utrecht, overzicht 'Huisvestingsvoortgang en ambtelijk contact 2022-2' (7 nov 2022)"
)
B_LEU = "Leusden, plan van aanpak inhalen achterstand 2022, tabel 'Taakstelling en realisatie'"
B_ZH = "gemeentelijke indeling 2022; regio = veiligheidsregio, zoals PZH (PRT 22 januari 2021)"
B_UT = "gemeentelijke indeling 2022; regio = woonregio (U16, regio Amersfoort, Foodvalley)"
DH = "'s-Gravenhage"

# Zuid-Holland as in 2022 (52 gemeenten; region sizes as in the PRT minutes of 22 January 2021),
# Utrecht's 26 (the overview sheet), each with the region the province reports by.
REGIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "Zuid-Holland": {
        "Haaglanden": ("Delft", DH, "Leidschendam-Voorburg", "Midden-Delfland",
                       "Pijnacker-Nootdorp", "Rijswijk", "Wassenaar", "Westland", "Zoetermeer"),
        "Hollands-Midden": ("Alphen aan den Rijn", "Bodegraven-Reeuwijk", "Gouda", "Hillegom",
                            "Kaag en Braassem", "Katwijk", "Krimpenerwaard", "Leiden",
                            "Leiderdorp", "Lisse", "Nieuwkoop", "Noordwijk", "Oegstgeest",
                            "Teylingen", "Voorschoten", "Waddinxveen", "Zoeterwoude", "Zuidplas"),
        "Rotterdam-Rijnmond": ("Albrandswaard", "Barendrecht", "Brielle",
                               "Capelle aan den IJssel", "Goeree-Overflakkee", "Hellevoetsluis",
                               "Krimpen aan den IJssel", "Lansingerland", "Maassluis",
                               "Nissewaard", "Ridderkerk", "Rotterdam", "Schiedam", "Vlaardingen",
                               "Westvoorne"),
        "Zuid-Holland-Zuid": ("Alblasserdam", "Dordrecht", "Gorinchem", "Hardinxveld-Giessendam",
                              "Hendrik-Ido-Ambacht", "Hoeksche Waard", "Molenlanden",
                              "Papendrecht", "Sliedrecht", "Zwijndrecht"),
    },
    "Utrecht": {
        "Regio Utrecht (U16)": ("Bunnik", "De Bilt", "De Ronde Venen", "Houten", "IJsselstein",
                                "Lopik", "Montfoort", "Nieuwegein", "Oudewater", "Stichtse Vecht",
                                "Utrecht", "Utrechtse Heuvelrug", "Vijfheerenlanden",
                                "Wijk bij Duurstede", "Woerden", "Zeist"),
        "Regio Amersfoort": ("Amersfoort", "Baarn", "Bunschoten", "Eemnes", "Leusden", "Soest",
                             "Woudenberg"),
        "Regio Foodvalley": ("Renswoude", "Rhenen", "Veenendaal"),
    },
}  # fmt: skip
ALIASES = {
    DH: "Den Haag, Gravenhage 's-, 's Gravenhage",
    "Alphen aan den Rijn": "Alphen a/d Rijn",
    "Capelle aan den IJssel": "Capelle a/d IJssel",
    "Krimpen aan den IJssel": "Krimpen a/d IJssel",
}

# The Haaglanden table of 21 March 2022: trede on 1 January 2022, opgave 2022-I (the e-mail's
# column 'Taakstelling 1e helft 2022' holds the opgave: 417 = 309 + 108), plaatsingen 1 Jan–21 Mar.
HAAGLANDEN: list[tuple[str, str, int, int]] = [
    ("Delft", "2", 76, 48), (DH, "2", 417, 129), ("Leidschendam-Voorburg", "3", 67, 8),
    ("Midden-Delfland", "2", 13, 5), ("Pijnacker-Nootdorp", "3", 50, 12),
    ("Rijswijk", "3", 56, 1), ("Wassenaar", "0", 15, 11), ("Westland", "3", 81, 30),
    ("Zoetermeer", "3", 109, 31),
]  # fmt: skip

TAAKSTELLING: list[Row] = [
    dict(gemeente=DH, periode="2020-II", taakstelling=197, saldo_start=2, opgave=199,
         saldo_bron="afgeleid: opgave 199 zonder huurcontracten − taakstelling 197 (op basis van "
         "huurcontracten een voorsprong van 8)", omkoppelingen="ja", stapelgemeente="nee",
         bron=B21_01),
    dict(gemeente=DH, periode="2021-I", taakstelling=418, saldo_start=0, opgave=418,
         saldo_bron=B21_07 + ": voorsprong per 1 januari 2021: 0 (brief 1 april 2021: voorsprong "
         "1 op basis van huurcontracten)", omkoppelingen="nee", stapelgemeente="nee",
         verschoonbare_reden="'Uw gemeente had op 1 april 2021 onvoldoende koppelingen om de "
         "opgave te kunnen realiseren.'", bron=B21_07),
    dict(gemeente=DH, periode="2021-II", taakstelling=340, saldo_start=195, opgave=535,
         saldo_bron=B21_07 + ": achterstand per 1 juli 2021", omkoppelingen="ja",
         stapelgemeente="nee", bron=B22_01 + "; omkoppelingen telden niet mee (coulance)"),
    dict(gemeente=DH, periode="2022-I", taakstelling=309, saldo_start=108, opgave=417,
         saldo_bron=B22_01 + ": achterstand per 1 januari 2022",
         bron=B22_01 + "; opgave ook in " + B22_03),
    dict(gemeente=DH, periode="2022-II", taakstelling=419, saldo_start=70, opgave=489,
         extra_opgave=204, saldo_bron=B22_10 + " en samenvatting " + B22_07 + "; de bijlage van "
         "die brief noemt 50 (417 − 367) en een opgave van 469",
         bron=B22_10 + ": opgave 489, met extra opgave 693 (693 − 489 = 204); " + B_MEMO),
    dict(gemeente="Leusden", periode="2022-I", taakstelling=18, saldo_start=21,
         saldo_bron=B_LEU + ": stand 1 januari 2022 −21 (negatief = achterstand)",
         bron="afgeleid: 42 (jaar 2022, " + B_LEU + ") − 24 (2022-II)"),
    dict(gemeente="Leusden", periode="2022-II", taakstelling=24, saldo_start=26,
         saldo_bron=B_UTR + ": achterstand per 1 juli 2022", bron=B_UTR),
] + [
    dict(gemeente=g, periode="2022-I", opgave=opgave, bron=B22_03)
    for g, _, opgave, _ in HAAGLANDEN
    if g != DH  # 's-Gravenhage's 2022-I row above has the parts of its 417
]  # fmt: skip

REALISATIE: list[Row] = [
    dict(gemeente=DH, peildatum=D(2020, 10, 1), gehuisvest=64, koppelingen=188,
         bron="afgeleid: opgave 199 − nog te huisvesten 135 op 1 oktober 2020; koppelingen: "
         + B21_01),
    dict(gemeente=DH, peildatum=D(2021, 1, 1), gehuisvest=199, huurcontracten=1,
         bron=B21_01 + " (het huurcontract telde niet mee)"),
    dict(gemeente=DH, peildatum=D(2021, 4, 1), gehuisvest=106, bron=B21_04),
    dict(gemeente=DH, peildatum=D(2021, 7, 1), gehuisvest=223, bron=B21_07),
    dict(gemeente=DH, peildatum=D(2021, 10, 1), gehuisvest=172, koppelingen=407,
         bron=B21_10 + " (koppelingen inclusief forecast)"),
    dict(gemeente=DH, peildatum=D(2022, 1, 1), gehuisvest=427, bron=B22_01),
    dict(gemeente=DH, peildatum=D(2022, 4, 1), gehuisvest=156,
         bron=B22_04 + ": feitelijk gehuisvest vóór 1 april 2022"),
    dict(gemeente=DH, peildatum=D(2022, 7, 1), gehuisvest=367, bron=B22_07 + " (bijlage)"),
    dict(gemeente=DH, peildatum=D(2022, 10, 1), gehuisvest=339, bron=B22_10),
    dict(gemeente="Leusden", peildatum=D(2022, 7, 1), gehuisvest=13,
         bron="afgeleid: 21 + 18 − 26 (achterstand per 1 juli 2022, " + B_UTR + ")"),
    dict(gemeente="Leusden", peildatum=D(2022, 10, 10), gehuisvest=29,
         bron="afgeleid: 42 geplaatst in 2022 per 10 oktober (" + B_LEU + ") − 13"),
    dict(gemeente="Leusden", peildatum=D(2022, 11, 10), gehuisvest=31, bron=B_UTR),
] + [
    dict(gemeente=g, peildatum=D(2022, 3, 21), gehuisvest=placed, bron=B22_03)
    for g, _, _, placed in HAAGLANDEN
]  # fmt: skip

_HAAGLANDEN_NOTE = "Besluit op 1 januari 2022 (tabel Haaglanden; trede 3 nog niet in 3A/3B)"
LADDER: list[Row] = [
    dict(gemeente=DH, datum=D(2020, 10, 1), trede="1",
         toelichting="signaleren (trede vóór de beoordeling per 1 januari 2021)", bron=B21_01),
    dict(gemeente=DH, datum=D(2021, 1, 1), trede="0",
         toelichting="'taakstelling gerealiseerd'", bron=B21_01),
    dict(gemeente=DH, datum=D(2021, 4, 1), trede="1",
         toelichting="'volgende fase': signaleren (106 gehuisvest, minimaal 209)", bron=B21_04),
    dict(gemeente=DH, datum=D(2021, 7, 1), trede="1",
         toelichting="'blijft uw gemeente per 1 juli 2021 op de interventieladder in fase "
         "signaleren'", bron=B21_07),
    dict(gemeente=DH, datum=D(2021, 7, 1), trede="2",
         toelichting="'Fase interventieladder per 1 juli 2021: Informatie opvragen en "
         "valideren' — in strijd met de brief van 1 juli 2021", bron=B21_10),
    dict(gemeente=DH, datum=D(2021, 10, 1), trede="2",
         toelichting="'zelfde fase': informatie opvragen en valideren", bron=B21_10),
    dict(gemeente=DH, datum=D(2022, 1, 1), trede="2",
         toelichting="'komt uw gemeente per 1 januari 2022 op de interventieladder op trede "
         "informatie ophalen en valideren'; zo ook de tabel Haaglanden", bron=B22_01),
] + [
    dict(gemeente=g, datum=D(2022, 1, 1), trede=trede, toelichting=_HAAGLANDEN_NOTE, bron=B22_03)
    for g, trede, _, _ in HAAGLANDEN
    if g != DH
]  # fmt: skip

# Utrecht, column 'Beoordeling 2022-1 (trede)'; "" = 'trede' printed without a number.
UTRECHT_TREDEN = {
    "Amersfoort": "2", "Baarn": "2", "Bunnik": "2", "Bunschoten": "2", "De Bilt": "2",
    "De Ronde Venen": "1", "Eemnes": "1", "Houten": "", "IJsselstein": "", "Leusden": "3",
    "Lopik": "1", "Montfoort": "2", "Nieuwegein": "1", "Oudewater": "", "Renswoude": "",
    "Rhenen": "2", "Soest": "1", "Stichtse Vecht": "", "Utrecht": "3", "Utrechtse Heuvelrug": "",
    "Veenendaal": "", "Vijfheerenlanden": "", "Wijk bij Duurstede": "2", "Woerden": "1",
    "Woudenberg": "1", "Zeist": "1",
}  # fmt: skip
LADDER += [
    dict(gemeente=g, datum=D(2022, 7, 1), trede=trede or "0", bron=B_UTR,
         toelichting="Beoordeling 2022-1: " + (f"trede {trede}" if trede else
                                               "'trede' zonder nummer: niet op de ladder"))
    for g, trede in UTRECHT_TREDEN.items()
]  # fmt: skip

BELEID: list[Row] = [
    dict(provincie="Zuid-Holland", periode="2020-II", kader="pzh-2020", drempel=0.7,
         bron=B21_01 + ": coronacoulance, ten minste 70 procent van de opgave"),
    dict(provincie="Zuid-Holland", periode="2021-I", kader="pzh-2020", drempel=0.7,
         bron=B21_07 + ": coronacoulance, ten minste 70 procent van de opgave"),
    dict(provincie="Zuid-Holland", periode="2021-II", kader="pzh-2020", achterstand_aandeel=0.25,
         omkoppelingen_tellen="nee",
         bron=B22_01 + ": LRT-advies 19 november 2021; omkoppelingen tellen niet mee"),
    dict(provincie="Zuid-Holland", periode="2022-I", kader="pzh-2020",
         huurcontracten_tot=D(2022, 7, 4), bron="PZH 2022: 'Insturen kan nog tot 4 juli'"),
    dict(provincie="Utrecht", kader="utrecht", bron="Stappenplan / Interventieladder Utrecht"),
]  # fmt: skip
DEADLINES: list[Row] = [
    dict(voor="Zuid-Holland", datum=D(2022, 7, 4), soort="huurcontracten",
         omschrijving="Huurcontracten met startdatum in de laatste twee weken van juni insturen "
         "kan nog tot 4 juli", bron="PZH 2022"),
]  # fmt: skip
GEBRUIKERS: list[Row] = [
    dict(telegram_id=1, naam="Demo provincie", rol="provincie", scope="Zuid-Holland",
         bron="demo-gebruiker; vervang door echte Telegram-id's"),
]  # fmt: skip

INFO = [
    "Voorbeeldgegevens, geen actuele cijfers.",
    "Deze werkmap bevat voorbeeldgegevens uit openbare stukken (2020-2022) om Taakbot uit te "
    "proberen. Gebruik ze niet voor toezicht.",
    "Bronnen: brieven van de provincie Zuid-Holland aan 's-Gravenhage (1 januari 2021 tot en met "
    "1 oktober 2022), de e-mail van PZH van 30 maart 2022 met de tabel Haaglanden, het memo van "
    "Den Haag van 30 augustus 2022, het overzicht van de provincie Utrecht van 7 november 2022 "
    "en het plan van aanpak van Leusden (2022). Elke regel noemt zijn bron in de kolom bron.",
    "Afgeleide cijfers (niet letterlijk vermeld, wel uit vermelde cijfers berekend) zeggen "
    "'afgeleid' in de kolom bron. Gemeenten zonder cijfers hebben alleen een regel in gemeenten.",
    "Tegenstrijdigheden uit de bronnen staan er bewust in: twee treden voor 's-Gravenhage op "
    "1 juli 2021, en een achterstand per 1 juli 2022 van 70 tegenover 417 − 367 = 50.",
    "Regio's: Zuid-Holland per veiligheidsregio (Haaglanden, Hollands-Midden, Rotterdam-Rijnmond, "
    "Zuid-Holland-Zuid), zoals de provincie rapporteert; Utrecht per woonregio (Regio Utrecht "
    "(U16), Regio Amersfoort, Regio Foodvalley). Gemeentelijke indeling van 2022.",
    "Leusden: het plan van aanpak geeft jaarcijfers (2016-2022); hier staan alleen de halfjaren "
    "2022-I en 2022-II, waarvan de cijfers vermeld of afgeleid zijn.",
    "De gebruiker in gebruikers (Telegram-id 1) is een demo.",
    "Opnieuw maken: python -m sheets.sources.sample",
]
