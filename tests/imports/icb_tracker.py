"""A legacy tracker as an ICB really keeps one (Nottingham and Nottinghamshire, 2021-2024), with faults planted.

The file is what a merged ICB hands over: a title row and a blank row above S-CRT-like headers, a "CCG" column of
names next to a "CCG Code" column of codes (some of them pre-2021 CCG codes), one combined "STEIS No / Local ID"
column, partnerships written as people write them, no notification-date or embargo-review-date column (old
trackers never had them), Windows-1252 text (curly apostrophes, pound signs, en dashes), every date style, a
typed Status column, and the faults of a real file: patient identifiable data, impossible dates, an unknown
organisation, a row of another ICB, a repeated row. `TRACKER` lists every row with what the import must do with
it; `tracker_csv()` writes the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

TITLE = "NHS Nottingham and Nottinghamshire ICB \u2013 Safeguarding case review tracker (S-CRT return, 2021-24)"
HEADERS = ["Tracker No", "Status", "Date Added", "CCG", "CCG Code", "DP Initials",
           "Safeguarding Partnership/Board/CSP", "STEIS No / Local ID", "Type of Review", "Date of Incident",
           "Brief Overview", "Theme 1", "Theme 2", "Media Interest (Y/N)", "Latest Update", "Date of Update",
           "Date Report Signed Off", "Date Published", "Public/Embargoed", "Web Link to Report",
           "Lessons Learned / Recommendations"]
CITY, COUNTY, BASSETLAW = "NHS Nottingham City CCG", "NHS Nottingham and Nottinghamshire CCG", "NHS Bassetlaw CCG"


@dataclass(frozen=True)
class Row:
    """One row of the tracker and what the import must do with it."""

    cells: dict[str, str]
    refused: tuple[str, ...] = ()  # columns named by the problems that refuse the row
    category: str | None = None  # what the row's next step is about (pii, scope, organisation, duplicate, ...)
    to_complete: tuple[str, ...] = ()  # fields the imported review still lacks
    notes: tuple[str, ...] = ()  # columns a note names
    fault: str = ""

    def get(self, header: str) -> str:
        """A cell of the row."""
        return self.cells.get(header, "")


def row(n: int, **cells: str) -> dict[str, str]:
    """A row's cells by header (keyword names are the headers without spaces and punctuation)."""
    names = {"".join(ch for ch in h if ch.isalnum()): h for h in HEADERS}
    out = {"Tracker No": str(n), "Media Interest (Y/N)": "N"}
    out.update({names[k]: v for k, v in cells.items()})
    return out


OVERVIEW = ["An adult with care and support needs died at home; agencies held information that was not shared.",
            "Concerns about the family\u2019s \u00a32,000 rent arrears were known to two agencies before the "
            "incident.",
            "A young person known to children\u2019s social care came to serious harm \u2013 missed appointments "
            "were not followed up.",
            "A death following domestic abuse; the victim had contact with the GP and the emergency department.",
            "An infant was seriously injured; health visiting and hospital communication are considered."]
UPDATE = ["Terms of reference agreed by the partnership.", "Chronologies requested from agencies.",
          "Panel meeting held; practitioner event being arranged.", "First draft circulated for factual accuracy."]

TRACKER: list[Row] = [
    Row(row(1, Status="Closed", DateAdded="14/05/2021", CCG=COUNTY, CCGCode="52R", DPInitials="AB",
            SafeguardingPartnershipBoardCSP="Nottingham City Safeguarding Children Partnership",
            STEISNoLocalID="2021/10234 / NCSCP-CSPR-21-01", TypeofReview="CSPR", DateofIncident="02/04/2021",
            BriefOverview=OVERVIEW[2], Theme1="Neglect", Theme2="Emotional abuse", LatestUpdate=UPDATE[3],
            DateofUpdate="01/12/2022", DateReportSignedOff="12/12/2022", DatePublished="20/01/2023",
            PublicEmbargoed="Public", WebLinktoReport="https://www.nottinghamcity.gov.uk/media/cspr-21-01.pdf",
            LessonsLearnedRecommendations="Escalate when appointments are missed."),
        notes=("STEIS No / Local ID",)),
    Row(row(2, Status="Open", DateAdded="3 June 2021", CCG=COUNTY, CCGCode="52R", DPInitials="C.D.",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Adults Board",
            STEISNoLocalID="NSAB-SAR-21-03", TypeofReview="SAR", DateofIncident="10/05/2021",
            BriefOverview=OVERVIEW[0], Theme1="Self-neglect", LatestUpdate=UPDATE[2], DateofUpdate="09/09/2024")),
    Row(row(3, Status="Closed", DateAdded="21-Jul-21", CCG=CITY, CCGCode="04K", DPInitials="EF",
            SafeguardingPartnershipBoardCSP="Nottingham CDP", STEISNoLocalID="DHR-NC-2021-02",
            TypeofReview="Domestic Homicide Review", DateofIncident="04/07/2021", BriefOverview=OVERVIEW[3],
            Theme1="Domestic abuse", Theme2="Controlling or coercive behaviour", MediaInterestYN="Y",
            DateReportSignedOff="01/03/2023", PublicEmbargoed="Embargoed"),
        to_complete=("embargo_review_date",), notes=("Safeguarding Partnership/Board/CSP", "Status"),
        fault="embargoed, and the tracker has no embargo review date column"),
    Row(row(4, Status="Open", DateAdded="2021-09-01", CCG=BASSETLAW, CCGCode="02Q", DPInitials="GH",
            SafeguardingPartnershipBoardCSP="Notts Safeguarding Children Partnership",
            STEISNoLocalID="RR-BAS-21-05", TypeofReview="RR", BriefOverview=OVERVIEW[4],
            Theme1="Physical abuse"),
        to_complete=("notification_date",), notes=("Safeguarding Partnership/Board/CSP", "Theme 1"),
        fault="a rapid review, and the tracker has no notification date column"),
    Row(row(5, Status="Open", DateAdded="01.10.2021", CCG=COUNTY, CCGCode="52R", DPInitials="ab",
            SafeguardingPartnershipBoardCSP="Notts SAB", STEISNoLocalID="NSAB-DSAR-21-06",
            TypeofReview="SAR (discretionary)", BriefOverview=OVERVIEW[1], Theme1="Financial or material abuse",
            Theme2="financial or material abuse"),
        notes=("Safeguarding Partnership/Board/CSP", "Theme 2")),
    Row(row(6, Status="Open", DateAdded="05/11/2021", CCG=COUNTY, CCGCode="52R", DPInitials="JK",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Children Partnership",
            STEISNoLocalID="NSCP-CSPR-21-07", TypeofReview="CSPR",
            BriefOverview="Health visitor records for the infant (NHS number 943 476 5919) were not shared.",
            Theme1="Neglect"),
        refused=("Brief Overview",), category="pii", fault="an NHS number in the overview"),
    Row(row(7, Status="Open", DateAdded="17/11/2021", CCG=COUNTY, CCGCode="04E", DPInitials="LM",
            SafeguardingPartnershipBoardCSP="Ashfield Community Safety Partnership",
            STEISNoLocalID="DHR-ASH-2021-01", TypeofReview="DHR", DateofIncident="30/10/2021",
            BriefOverview=OVERVIEW[3], Theme1="Domestic abuse"),
        to_complete=("partnership_id",), fault="a partnership not on the managed list"),
    Row(row(8, Status="Open", DateAdded="06/12/2021", CCG=COUNTY, CCGCode="52R",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Adults Board",
            STEISNoLocalID="NSAB-SAR-21-09", TypeofReview="SAR", BriefOverview=OVERVIEW[0], Theme1="Neglect and acts "
                                                                                                   "of omission"),
        to_complete=("dp_initials",), fault="no designated professional's initials"),
    Row(row(9, Status="Open", DateAdded="31/02/2022", CCG=COUNTY, CCGCode="52R", DPInitials="NP",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Adults Board",
            STEISNoLocalID="NSAB-SAR-22-01", TypeofReview="SAR", BriefOverview=OVERVIEW[0], Theme1="Self-neglect"),
        refused=("Date Added",), fault="31 February"),
    Row(row(10, Status="Open", DateAdded="14/03/2022", CCG="NHS Atlantis CCG", CCGCode="99Z", DPInitials="QR",
            STEISNoLocalID="ATL-CSPR-22-01", TypeofReview="CSPR", BriefOverview=OVERVIEW[2], Theme1="Neglect"),
        refused=("CCG Code",), category="organisation", fault="an organisation that does not exist"),
    Row(row(11, Status="Open", DateAdded="22/03/2022", CCG="NHS North Central London CCG", CCGCode="93C",
            DPInitials="ST", STEISNoLocalID="NCL-SAR-22-04", TypeofReview="SAR", BriefOverview=OVERVIEW[0],
            Theme1="Self-neglect"),
        refused=("CCG Code",), category="scope", fault="another ICB's review"),
    Row(row(12, Status="Open", DateAdded="01/01/1900", CCG=COUNTY, CCGCode="52R", DPInitials="UV",
            SafeguardingPartnershipBoardCSP="Nottingham Crime and Drugs Partnership",
            STEISNoLocalID="DHR-NC-2022-01", TypeofReview="DHR", BriefOverview=OVERVIEW[3], Theme1="Domestic abuse"),
        refused=("Date Added",), fault="an empty spreadsheet date (1900) as date added"),
    Row(row(13, Status="Open", DateAdded="04/04/2022", CCG=COUNTY, CCGCode="52R", DPInitials="WX",
            SafeguardingPartnershipBoardCSP="Nottingham City Safeguarding Children Partnership",
            STEISNoLocalID="NCSCP-CSPR-22-02", TypeofReview="CSPR",
            BriefOverview="=concerns were escalated by the school nurse but not recorded", Theme1="Neglect"),
        notes=("Brief Overview",), fault="an overview that starts with '=' (text, not a formula)"),
    Row(row(14, Status="Open", DateAdded="19/04/2022", CCG=BASSETLAW, CCGCode="02Q", DPInitials="YZ",
            SafeguardingPartnershipBoardCSP="Notts Safeguarding Children Partnership", STEISNoLocalID="jon.s",
            TypeofReview="Rapid Review", BriefOverview=OVERVIEW[4], Theme1="Physical abuse"),
        refused=("STEIS No / Local ID",), category="pii", fault="a name and initial as the local identifier"),
    Row(row(15, Status="Open", DateAdded="3 June 2021", CCG=COUNTY, CCGCode="52R", DPInitials="CD",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Adults Board",
            STEISNoLocalID="NSAB-SAR-21-03", TypeofReview="SAR", BriefOverview=OVERVIEW[0], Theme1="Self-neglect"),
        refused=("STEIS No / Local ID",), category="duplicate", fault="row 2 typed again"),
    Row(row(16, Status="Open", DateAdded="02/05/2022", CCG=COUNTY, CCGCode="52R", DPInitials="AC",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Adults Board",
            STEISNoLocalID="NSAB-SAR-22-03", TypeofReview="SAR", DateofIncident="20/06/2022",
            BriefOverview=OVERVIEW[0], Theme1="Organisational abuse"),
        refused=("Date Added",), fault="the incident after the date added"),
    Row(row(17, Status="Closed", DateAdded="02/11/2020", CCG=COUNTY, CCGCode="52R", DPInitials="BD",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Adults Board",
            STEISNoLocalID="NSAB-SAR-20-11", TypeofReview="SAR", BriefOverview=OVERVIEW[0], Theme1="Self-neglect",
            DateReportSignedOff="15/12/2020", DatePublished="10/02/2021", PublicEmbargoed="Public"),
        refused=("Date Added",), fault="a review that closed before the collection began"),
    Row(row(18, Status="Open", DateAdded="23/05/2022", CCG=CITY, CCGCode="04K", DPInitials="CE",
            SafeguardingPartnershipBoardCSP="Nottingham Crime and Drugs Partnership",
            STEISNoLocalID="DHR-NC-2022-03", TypeofReview="DHR", BriefOverview=OVERVIEW[3], Theme1="Domestic abuse",
            LatestUpdate="Records received from Scotland (CHI 215-148-5463) and added to the chronology.",
            DateofUpdate="01/07/2022"),
        refused=("Latest Update",), category="pii", fault="a Scottish CHI number in the latest update"),
    Row(row(19, Status="Open", DateAdded="13/06/2022", CCG=COUNTY, CCGCode="52R", DPInitials="DF",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Children Partnership",
            STEISNoLocalID="NSCP-CSPR-22-04", TypeofReview="CSPR", BriefOverview=OVERVIEW[2]),
        to_complete=("themes",), fault="no theme"),
    Row(row(20, Status="Closed", DateAdded="27/06/2022", CCG=COUNTY, CCGCode="52R", DPInitials="EG",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Adults Board",
            STEISNoLocalID="2022/13577", TypeofReview="SAR", BriefOverview=OVERVIEW[0], Theme1="Physical abuse",
            DateReportSignedOff="01/04/2023", DatePublished="05/05/2023"),
        to_complete=("publication_status",), notes=("STEIS No / Local ID", "Status", "Theme 1"),
        fault="published, with Public/Embargoed blank"),
    Row(row(21, Status="Open", DateAdded="11/07/2022", CCG=COUNTY, CCGCode="52R", DPInitials="FH",
            SafeguardingPartnershipBoardCSP="Gedling CSP", STEISNoLocalID="DHR-GED-2022-01", TypeofReview="DHR",
            BriefOverview=OVERVIEW[3], Theme1="Economic abuse"),
        to_complete=("partnership_id",), fault="a partnership not on the list, with a near one"),
    Row(row(22, Status="Open", DateAdded="2022-08-08", CCG=COUNTY, CCGCode="52R", DPInitials="GI",
            SafeguardingPartnershipBoardCSP="South Notts CSP", STEISNoLocalID="DHR-SN-2022-02", TypeofReview="DHR",
            BriefOverview=OVERVIEW[3], Theme1="Domestic abuse", LatestUpdate=UPDATE[0], DateofUpdate="01/09/2022"),
        notes=("Safeguarding Partnership/Board/CSP",)),
    Row(row(23, Status="Converted", DateAdded="05/09/2022", CCG=BASSETLAW, CCGCode="", DPInitials="HJ",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Children Partnership",
            STEISNoLocalID="RR-BAS-22-02", TypeofReview="RR", BriefOverview=OVERVIEW[4], Theme1="Neglect"),
        to_complete=("notification_date",), notes=("Status",), fault="a rapid review named by its CCG only"),
    Row(row(24, Status="Open", DateAdded="14 Sep 2020", CCG=COUNTY, CCGCode="52R", DPInitials="IK",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Adults Board",
            STEISNoLocalID="NSAB-SAR-20-07", TypeofReview="SAR", BriefOverview=OVERVIEW[0], Theme1="Self-neglect",
            LatestUpdate=UPDATE[3], DateofUpdate="03/10/2024"),
        fault="an older case still open (recorded)"),
    Row(row(25, Status="Open", DateAdded="03/10/2022", CCG=COUNTY, CCGCode="52R", DPInitials="JL",
            SafeguardingPartnershipBoardCSP="Nottingham City SAB", STEISNoLocalID="NCSAB-SAR-22-05",
            TypeofReview="SAR", BriefOverview=OVERVIEW[0], Theme1="Discriminatory abuse", Theme2="Self-neglect"),
        notes=("Safeguarding Partnership/Board/CSP",)),
    Row(row(26, Status="Open", DateAdded="24/10/2022", CCG=COUNTY, CCGCode="52R", DPInitials="KM",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Children Partnership",
            STEISNoLocalID="NSCP-CSPR-22-06", TypeofReview="LCSPR", DateofIncident="01/10/2022",
            BriefOverview=OVERVIEW[2], Theme1="Child criminal exploitation", Theme2="County lines",
            MediaInterestYN="Y", LatestUpdate=UPDATE[1], DateofUpdate="30/11/2022")),
    Row(row(27, Status="Open", DateAdded="07/11/2022", CCG=COUNTY, CCGCode="52R", DPInitials="LN",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Adults Board",
            STEISNoLocalID="NSAB-SAR-22-08", TypeofReview="Safeguarding Adult Review", BriefOverview=OVERVIEW[0],
            Theme1="Modern slavery")),
    Row(row(28, Status="Open", DateAdded="09/01/2023", CCG=BASSETLAW, CCGCode="02Q", DPInitials="MO",
            SafeguardingPartnershipBoardCSP="Bassetlaw, Newark and Sherwood Community Safety Partnership",
            STEISNoLocalID="DHR-BNS-2023-01", TypeofReview="DHR", BriefOverview=OVERVIEW[3],
            Theme1="Controlling or coercive behaviour")),
    Row(row(29, Status="Open", DateAdded="30/01/2023", CCG=COUNTY, CCGCode="52R", DPInitials="NQ",
            SafeguardingPartnershipBoardCSP="Nottingham City Safeguarding Children Partnership",
            STEISNoLocalID="RR-NC-23-01", TypeofReview="Rapid Review", BriefOverview=OVERVIEW[4],
            Theme1="Non-accidental injury in infants (under 1)"),
        to_complete=("notification_date",), fault="a rapid review, and no notification date column"),
    Row(row(30, Status="Open", DateAdded="20/02/2023", CCG=COUNTY, CCGCode="52R", DPInitials="OR",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Adults Board",
            STEISNoLocalID="NSAB-SAR-23-02", TypeofReview="SAR", BriefOverview=OVERVIEW[0],
            Theme1="Homelessness / rough sleeping", LatestUpdate=UPDATE[0], DateofUpdate="01/03/2023")),
    Row(row(31, Status="Open", DateAdded="13/03/2023", CCG=COUNTY, CCGCode="52R", DPInitials="PS",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Children Partnership",
            STEISNoLocalID="NSCP-CSPR-23-03", TypeofReview="CSPR", BriefOverview=OVERVIEW[2],
            Theme1="Online abuse and harm")),
    Row(row(32, Status="Open", DateAdded="03/04/2023", CCG=CITY, CCGCode="04K", DPInitials="QT",
            SafeguardingPartnershipBoardCSP="Nottingham City Safeguarding Adults Board",
            STEISNoLocalID="NCSAB-SAR-23-04", TypeofReview="SAR", BriefOverview=OVERVIEW[0],
            Theme1="Psychological (emotional) abuse")),
    Row(row(33, Status="Open", DateAdded="15/05/2023", CCG=COUNTY, CCGCode="52R", DPInitials="RU",
            SafeguardingPartnershipBoardCSP="South Nottinghamshire Community Safety Partnership",
            STEISNoLocalID="DHR-SN-2023-05", TypeofReview="DHR (child)", BriefOverview=OVERVIEW[3],
            Theme1="Domestic abuse")),
    Row(row(34, Status="Open", DateAdded="12/06/2023", CCG=COUNTY, CCGCode="52R", DPInitials="SV",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Adults Board",
            STEISNoLocalID="NSAB-SAR-23-06", TypeofReview="SAR", BriefOverview=OVERVIEW[1], Theme1="Cuckooing (taking "
                                                                                                  "over the home of a "
                                                                                                  "vulnerable adult)",
            Theme2="Financial or material abuse")),
    Row(row(35, Status="Open", DateAdded="04/09/2023", CCG=COUNTY, CCGCode="52R", DPInitials="TW",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Children Partnership",
            STEISNoLocalID="NSCP-CSPR-23-07", TypeofReview="CSPR", BriefOverview=OVERVIEW[2],
            Theme1="Extra-familial harm", LatestUpdate=UPDATE[2], DateofUpdate="15/01/2024")),
    Row(row(36, Status="Open", DateAdded="08/01/2024", CCG=COUNTY, CCGCode="52R", DPInitials="UX",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Adults Board",
            STEISNoLocalID="NSAB-SAR-24-01", TypeofReview="SAR", BriefOverview=OVERVIEW[0], Theme1="Self-neglect")),
    Row(row(37, Status="Open", DateAdded="19/02/2024", CCG=COUNTY, CCGCode="52R", DPInitials="VY",
            SafeguardingPartnershipBoardCSP="Nottinghamshire Safeguarding Children Partnership",
            STEISNoLocalID="NSCP-CSPR-24-02", TypeofReview="CSPR", BriefOverview=OVERVIEW[2],
            Theme1="Child sexual exploitation")),
]
FIRST_DATA_ROW = 4  # a title row and a blank row above the header
BLANK_AFTER = 20  # a blank row in the middle, as trackers have


@dataclass
class Layout:
    """The file's rows and the spreadsheet row number of each tracker row."""

    rows: list[list[str]] = field(default_factory=list)
    number: dict[int, int] = field(default_factory=dict)  # index in TRACKER -> spreadsheet row


def layout() -> Layout:
    """The rows as the spreadsheet holds them."""
    out = Layout([[TITLE], [], HEADERS])
    for index, entry in enumerate(TRACKER):
        out.rows.append([entry.get(h) for h in HEADERS])
        out.number[index] = len(out.rows)
        if index + 1 == BLANK_AFTER:
            out.rows.append([""] * len(HEADERS))
    return out


def tracker_csv(encoding: str = "cp1252") -> bytes:
    """The tracker as Excel's plain "CSV" saves it on Windows."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(layout().rows)
    return buffer.getvalue().encode(encoding)
