"""Words the name check must treat specially: domain terms that happen to be forenames, titles, context words.

Everything here is lower case. Each set says why it exists; add to it when a real review term is flagged.
"""

from __future__ import annotations


def _terms(text: str) -> frozenset[str]:
    """The whitespace-separated words of a block of text."""
    return frozenset(text.split())


# Review types, agencies, roles, processes and systems in safeguarding and NHS work. Several are also
# forenames once case is folded (ACEs, ESA, PIP, RiO, ToR, SIRI, ISA; MARAC reads as "Mara" + "C",
# CAMHS as "Cam" + "HS"). They are matched only when written in capitals or mixed case (not as a plain
# capitalised word), so "RIO" / "RiO" is the record system while "Rio" is still a name.
DOMAIN_TERMS = _terms(
    """
    sar sars dhr dhrs cspr csprs rr rrs lscp lscb lscbs sab sabs lsab csp csps icb icbs ics nhs nhse nhsei
    lfpse steis nfr ccg ccgs stp pcn gp gps ae asc csc mash marac maracs mappa idva isva camhs cypmhs amhp
    dols lps cqc ods ons dsl lado dbs ehcp send senco cin cpp lac cla cse cce fgm hba vawg msp ico hsib hssib
    psii psirf nrls leder lda cdop sudi sudic sudc jtai nrm uasc yot yjs mha mca imha imca bia rmn rgn hca
    fnp miu utc ooh scr siri sui csr imr imrs tor mar plo fgc taf caf icpc rcpc cpc dnacpr respect peg ews
    nwas las secamb emas wmas yas neas swasft eeast scas mps btp nca cps iopc hmpps nps crc dwp pip esa dla
    dfe dhsc mhclg dluhc moj lga adass adcs scie nice rcpch rcn nmc gmc hcpc swe basw ohid ukhsa phe iapt
    spoc spa edt salt slt toc chc dst mdt mdm cmht crht htt eip eupd asd adhd semh ptsd ace aces dash
    daha asb asbo cctv pnc pnd lpa dnar awol iom soc ocg csa kpi kpis rag smt sla mou isa dpia gdpr foi sop
    rca aar sea ecds chis pas epr emr emis systmone rio mosaic lcs neet cbt dbt emdr anp acp cno dipc
    dcs dass psa pso ftsu lsoa msoa jsna hwb pru ehe cme ewo eha
    """
)

# Anonymised labels used in published reviews ("Baby A", "Child B": "Baby" is in the forename list) and
# faith terms that are also in it ("converted to Islam", "during Ramadan").
LABELS_AND_FAITH_TERMS = frozenset({"baby", "islam", "ramadan"})

# Countries and cities that are also forenames (India, Jordan, Paris...): a place after "from", "in",
# "via" ... ("moved from India"), a name otherwise ("Jordan told his teacher").
PLACES_ABROAD = _terms(
    """
    adelaide asia austin boston brooklyn cairo charlotte chelsea cuba dallas denver derry dominica florence
    geneva georgia havana india israel jordan kenya kingston mali memphis milan orlando paris rome siena
    sierra sofia sydney venice verona vienna
    """
)
PLACE_PREPOSITIONS = frozenset({"from", "in", "via", "across", "near", "into", "visited"})

# A capitalised forename straight after an article is an adjective or a name of a thing
# ("a Christian church", "the Paris attacks"), not a person.
ARTICLES = frozenset({"a", "an", "the"})

# Month and day names (and month abbreviations): "April", "May", "June", "August", "Jan" are forenames,
# and identifiers often carry a month ("DHR June 2021").
MONTHS_AND_DAYS = _terms(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday
    spring summer autumn winter
    """
)

# Honorifics and police ranks: "Mrs Grace ...", "Mr Patel", "PC Lee" name a person whatever word follows.
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "cllr", "pc", "ps", "dc", "ds", "di", "dci", "sgt"})

# A forename right after one of these is part of a place or organisation name ("St Mary's Hospital",
# "Queen Elizabeth Hospital", "Princess Alexandra Hospital", "Countess of Chester").
ORG_PREFIXES = frozenset({"st", "saint", "queen", "king", "prince", "princess", "lady", "royal", "countess"})

# A forename followed (within a run of capitalised words) by one of these is part of the name of a
# place, building, organisation, law or report ("Victoria Infirmary", "Chelsea and Westminster Hospital",
# "Clare's Law", "Martha's Rule", "the Stephen Lawrence Inquiry", "the Herbert Protocol").
ORG_SUFFIXES = _terms(
    """
    hospital hospitals infirmary house street road court centre center unit ward wing school academy college
    university trust practice surgery clinic lodge hall park close avenue lane way drive place gardens square
    crescent terrace grove estate village station line bridge report inquiry review foundation project
    programme program fund charity society institute building suite team service services partnership
    palace hub law rule protocol policy scheme award act framework model trusts
    """
)

# Suffixes that are also common surnames ("Jessica Ward", "Olivia Hall", "Sarah Law"): they only mark an
# organisation after a possessive ("Clare's Law", "St Mary's Court") or after "the" ("the Victoria line").
SURNAME_LIKE_SUFFIXES = frozenset(
    {"ward", "hall", "lane", "park", "law", "rule", "bridge", "court", "house", "way", "wing", "line", "place", "close"}
)

# Dictionary words that are also forenames and are often written with a capital in review prose
# (legal instruments, RAG ratings, titles, institutions): never flagged just for standing alone.
CAPITALISED_TERMS = _terms(
    """
    will bill justice red amber green blue royal king queen prince princess duke lord lady great early unique
    chance star sky phoenix angel marshal sheriff grant major divine holy liberty victory trinity guy
    """
)

# Forenames that are also dictionary words, but whose word sense is rare in review prose: a capitalised
# occurrence is treated as a name.
NAME_FIRST_WORDS = frozenset({"jack", "harry", "peter", "maria", "victor", "amir", "roman", "mason"})

# Words joining a title-case phrase ("Ministry of Justice", "Court of Protection").
CONNECTORS = frozenset({"of", "and", "for", "the", "upon", "on", "in", "under", "with"})
