"""Names of places a claim may set against each other: countries, US states and large
cities, lower-case, as the analyser writes them ("united states", "el paso").

A short list kept here rather than a gazetteer package: the packages that ship place
names carry tens to hundreds of MB of cities, and a conflict check only needs to know
that "Texas" and "Germany" are both places. Cities whose names are also common
surnames, first names or words ("Washington", "Jackson", "Jordan", "Chad", "Reading")
are left out. Written as the analyser's runs of capitalised words, which skip
connecting words ("United States of America": "united states america").
"""

from __future__ import annotations

COUNTRIES = """
afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan
bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia
botswana brazil brunei bulgaria burundi cambodia cameroon canada chile china colombia
comoros congo croatia cuba cyprus czechia denmark djibouti dominica ecuador egypt eritrea
estonia eswatini ethiopia fiji finland france gabon gambia georgia germany ghana greece
grenada guatemala guinea guyana haiti honduras hungary iceland india indonesia iran iraq
ireland israel italy jamaica japan kazakhstan kenya kiribati kosovo kuwait kyrgyzstan
laos latvia lebanon lesotho liberia libya liechtenstein lithuania luxembourg madagascar
malawi malaysia maldives mali malta mauritania mauritius mexico micronesia moldova monaco
mongolia montenegro morocco mozambique myanmar namibia nauru nepal netherlands nicaragua
niger nigeria norway oman pakistan palau palestine panama paraguay peru philippines poland
portugal qatar romania russia rwanda samoa senegal serbia seychelles singapore slovakia
slovenia somalia spain sudan suriname sweden switzerland syria taiwan tajikistan tanzania
thailand togo tonga tunisia turkey turkmenistan tuvalu uganda ukraine uruguay uzbekistan
vanuatu venezuela vietnam yemen zambia zimbabwe england scotland wales britain america
""".split()

COUNTRY_RUNS = (
    "united states", "united states america", "united kingdom", "great britain",
    "south africa", "north korea", "south korea", "saudi arabia", "new zealand",
    "united arab emirates", "sri lanka", "costa rica", "el salvador", "puerto rico",
    "hong kong", "czech republic", "dominican republic", "ivory coast", "east timor",
    "sierra leone", "papua new guinea", "north macedonia", "south sudan",
)

US_STATES = """
alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii
idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon
pennsylvania tennessee texas utah vermont virginia wisconsin wyoming
""".split()

US_STATE_RUNS = (
    "new hampshire", "new jersey", "new mexico", "new york", "north carolina",
    "north dakota", "rhode island", "south carolina", "south dakota", "west virginia",
)

CITIES = """
london paris berlin moscow beijing tokyo rome madrid brussels vienna amsterdam athens
istanbul tehran baghdad damascus kabul cairo jerusalem riyadh dubai delhi mumbai karachi
shanghai seoul pyongyang manila jakarta bangkok sydney melbourne toronto montreal
vancouver chicago boston seattle miami atlanta dallas baltimore detroit philadelphia
idlib aleppo mosul benghazi caracas havana lagos nairobi johannesburg
""".split()

CITY_RUNS = (
    "los angeles", "san francisco", "san diego", "el paso", "new orleans", "las vegas",
    "mexico city", "cape town", "tel aviv", "buenos aires", "sao paulo",
    "new delhi",
)

# The country of each city, as a place name of COUNTRIES or COUNTRY_RUNS: a city is
# set against another country ("El Paso" / "Russia"), never against its own. Jerusalem's
# country is disputed: left out.
CITY_COUNTRIES: dict[str, str] = {
    **dict.fromkeys(
        ("chicago", "boston", "seattle", "miami", "atlanta", "dallas", "baltimore", "detroit",
         "philadelphia", "los angeles", "san francisco", "san diego", "el paso", "new orleans",
         "las vegas"),
        "united states",
    ),
    "london": "united kingdom", "paris": "france", "berlin": "germany", "moscow": "russia",
    "beijing": "china", "shanghai": "china", "tokyo": "japan", "rome": "italy", "madrid": "spain",
    "brussels": "belgium", "vienna": "austria", "amsterdam": "netherlands", "athens": "greece",
    "istanbul": "turkey", "tehran": "iran", "baghdad": "iraq", "mosul": "iraq", "damascus": "syria",
    "idlib": "syria", "aleppo": "syria", "kabul": "afghanistan", "cairo": "egypt",
    "riyadh": "saudi arabia", "dubai": "united arab emirates", "delhi": "india", "new delhi": "india",
    "mumbai": "india", "karachi": "pakistan", "seoul": "south korea", "pyongyang": "north korea",
    "manila": "philippines", "jakarta": "indonesia", "bangkok": "thailand", "sydney": "australia",
    "melbourne": "australia", "toronto": "canada", "montreal": "canada", "vancouver": "canada",
    "benghazi": "libya", "caracas": "venezuela", "havana": "cuba", "lagos": "nigeria",
    "nairobi": "kenya", "johannesburg": "south africa", "cape town": "south africa",
    "mexico city": "mexico", "tel aviv": "israel", "buenos aires": "argentina", "sao paulo": "brazil",
}
# Country names written several ways, by the one CITY_COUNTRIES uses.
COUNTRY_ALIASES = {
    "america": "united states", "united states america": "united states",
    "britain": "united kingdom", "great britain": "united kingdom", "england": "united kingdom",
    "scotland": "united kingdom", "wales": "united kingdom",
}

# Each place's kind: a country set against a state, or a city against its country, is
# no contradiction ("Tehran" / "Iran"); regions ("Middle East") hold too many places to
# contradict any.
PLACE_KINDS: dict[str, str] = {
    **dict.fromkeys(COUNTRIES + list(COUNTRY_RUNS), "country"),
    **dict.fromkeys(US_STATES + list(US_STATE_RUNS), "state"),
    **dict.fromkeys(CITIES + list(CITY_RUNS), "city"),
}
# "Georgia" is a country and a state: taken as a state, as US claims mostly mean.
PLACE_KINDS["georgia"] = "state"
# The longest place name, in words.
LONGEST_PLACE = max(len(name.split()) for name in PLACE_KINDS)
