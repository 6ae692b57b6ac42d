"""Write the six Word CVs of the formats corpus: ``<id>/cv.docx``.

Run from the repository root::

    .venv/bin/python tests/corpora/formats/make_docx.py

Every file is rewritten byte for byte the same on each run: the core properties are fixed (the
creation date is the CV's date, ``as_of`` in ``labels.json``) and the ZIP entries carry that date
instead of the time of the run. The documents are built the way people build CVs in Word: a
borderless two-column table with a shaded sidebar, a Europass label/content table, heading
styles, bold runs used as headings, right-aligned dates on tab stops, a page break, contact
details in the page header, small language tables. No images.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent

LEFT = WD_ALIGN_PARAGRAPH.LEFT
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
CENTER = WD_ALIGN_PARAGRAPH.CENTER


class Box(Protocol):
    """Anything paragraphs are added to: the document body, a table cell, a header."""

    @property
    def paragraphs(self) -> list[Paragraph]: ...

    def add_paragraph(self, text: str = "", style: str | None = None) -> Paragraph: ...


# -- small Word helpers ----------------------------------------------------------------------


def new_document(
    author: str, title: str, created: datetime, font: str, size: float, margin_cm: float
) -> DocxDocument:
    """An A4 document with fixed core properties and the given body font."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(margin_cm))
    section.header_distance = Cm(0.8)
    section.footer_distance = Cm(0.8)
    normal = doc.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(size)
    normal.paragraph_format.space_after = Pt(2)
    props = doc.core_properties
    props.author = author
    props.last_modified_by = author
    props.title = title
    props.subject = "Curriculum vitae"
    props.keywords = "CV"
    props.comments = ""
    props.category = ""
    props.created = created
    props.modified = created
    props.last_printed = created
    props.revision = 3
    return doc


def para(
    box: Box,
    text: str = "",
    *,
    style: str | None = None,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    color: str | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    before: float | None = None,
    after: float | None = None,
) -> Paragraph:
    """A paragraph with one run; a cell's or header's empty first paragraph is reused."""
    existing = box.paragraphs
    if len(existing) == 1 and not existing[0].runs and not existing[0].text:
        paragraph = existing[0]
        if style is not None:
            paragraph.style = style
    else:
        paragraph = box.add_paragraph(style=style)
    if text:
        run(paragraph, text, bold=bold, italic=italic, size=size, color=color)
    if align is not None:
        paragraph.alignment = align
    if before is not None:
        paragraph.paragraph_format.space_before = Pt(before)
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def run(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    color: str | None = None,
    caps: bool = False,
) -> None:
    """Append a formatted run."""
    piece = paragraph.add_run(text)
    piece.bold = bold or None
    piece.italic = italic or None
    if caps:
        piece.font.all_caps = True
    if size is not None:
        piece.font.size = Pt(size)
    if color is not None:
        piece.font.color.rgb = RGBColor.from_string(color)


def dated(
    box: Box,
    left: str,
    right: str,
    tab_cm: float,
    *,
    bold: bool = True,
    size: float | None = None,
    color: str | None = None,
    before: float = 6,
) -> Paragraph:
    """'Title<TAB>dates' with the dates on a right-aligned tab stop."""
    paragraph = para(box, before=before, after=0)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(tab_cm), WD_TAB_ALIGNMENT.RIGHT)
    paragraph.paragraph_format.keep_with_next = True
    run(paragraph, left, bold=bold, size=size, color=color)
    run(paragraph, "\t" + right, size=size, color=color)
    return paragraph


def bullets(box: Box, items: Sequence[str], size: float | None = None) -> None:
    """Word's own bullet list ('List Bullet')."""
    for item in items:
        paragraph = para(box, item, style="List Bullet", size=size, after=1)
        paragraph.paragraph_format.space_before = Pt(0)


def labelled(box: Box, label: str, text: str, *, size: float | None = None) -> Paragraph:
    """'Label: text' with the label in bold, as typed in a free-text skills section."""
    paragraph = para(box, after=1)
    run(paragraph, label + ": ", bold=True, size=size)
    run(paragraph, text, size=size)
    return paragraph


def page_break(doc: DocxDocument) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def shade(cell: _Cell, fill: str) -> None:
    """Background colour of a table cell."""
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def widths(table: Table, cm: Sequence[float]) -> None:
    """Fixed column widths (Word honours the cell widths, LibreOffice the grid)."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, column in enumerate(table.columns):
        column.width = Cm(cm[index])
        for cell in column.cells:
            cell.width = Cm(cm[index])


def bottom_rule(paragraph: Paragraph, color: str, size_eighths: int = 8) -> None:
    """A line under the paragraph (Word's 'Borders > Bottom border')."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size_eighths))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), color)
    borders.append(bottom)
    properties.append(borders)


def field(paragraph: Paragraph, instruction: str, size: float | None = None) -> None:
    """A simple field (PAGE, NUMPAGES) showing '1' until Word updates it."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    inner = OxmlElement("w:r")
    if size is not None:
        run_properties = OxmlElement("w:rPr")
        half_points = OxmlElement("w:sz")
        half_points.set(qn("w:val"), str(int(size * 2)))
        run_properties.append(half_points)
        inner.append(run_properties)
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    simple.append(inner)
    paragraph._p.append(simple)


def heading_style(
    doc: DocxDocument, name: str, font: str, size: float, color: str, before: float = 10
) -> None:
    """Restyle a built-in heading (Heading 1, Title, …) the way a template would."""
    style = doc.styles[name]
    style.font.name = font
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor.from_string(color)
    style.font.bold = True
    style.paragraph_format.space_before = Pt(before)
    style.paragraph_format.space_after = Pt(3)


def small_table(
    box: DocxDocument | _Cell, rows: Sequence[tuple[str, str]], cm: Sequence[float], size: float
) -> Table:
    """A two-column bordered table; the first row is the header."""
    table = box.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    widths(table, cm)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for index, (left, right) in enumerate(rows):
        cells = table.rows[index].cells
        para(cells[0], left, bold=index == 0, size=size, after=0)
        para(cells[1], right, bold=index == 0, size=size, after=0)
        if index == 0:
            shade(cells[0], "D9D9D9")
            shade(cells[1], "D9D9D9")
    return table


def save(doc: DocxDocument, target: Path, created: datetime) -> None:
    """Save with every ZIP entry dated ``created``, so the bytes do not depend on the run."""
    buffer = io.BytesIO()
    doc.save(buffer)
    buffer.seek(0)
    stamp = created.timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as sink,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            sink.writestr(entry, source.read(info.filename))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(out.getvalue())


# -- fm-01-en: two-column borderless table, shaded sidebar, contact in the page header ---------


def fm_01_en(created: datetime) -> DocxDocument:
    doc = new_document("Fiona Drummond", "CV - Fiona Drummond", created, "Calibri", 10, 1.6)
    navy = "1F3A5F"
    header = para(doc.sections[0].header, align=RIGHT)
    run(
        header,
        "Perth, Scotland, UK  |  +44 7700 900 418  |  fiona.drummond@protonmail.com"
        "  |  github.com/fdrummond",
        size=8.5,
        color="555555",
    )
    bottom_rule(header, "9FB3C8", 4)

    table = doc.add_table(rows=1, cols=2)
    widths(table, (5.4, 12.4))
    side, main = table.rows[0].cells
    shade(side, "E6EDF4")

    def side_heading(text: str) -> None:
        para(side, text, bold=True, size=10, color=navy, before=10, after=3)

    side_heading("SKILLS")
    for label, text in (
        ("Languages", "Python · Go"),
        ("Data", "PostgreSQL, Kafka, Redis"),
        ("Containers", "Docker, Kubernetes (EKS), Helm"),
        ("Cloud & IaC", "AWS, Terraform"),
        ("Tooling", "Git, GitHub Actions, Grafana"),
    ):
        para(side, label, bold=True, size=8.5, after=0)
        para(side, text, size=9, after=4)
    side_heading("LANGUAGES")
    for line in ("English — Native", "Spanish — Conversational", "Scottish Gaelic — Basic"):
        para(side, line, size=9, after=1)
    side_heading("CERTIFICATION")
    para(side, "CKA (2023)", size=9)
    side_heading("OUTSIDE WORK")
    para(side, "Hill running; Munro bagging (212 of 282 so far).", size=9)

    para(main, "Fiona Drummond", bold=True, size=24, color=navy, after=0)
    para(main, "Senior Software Engineer · trading & energy platforms", size=11.5, after=8)

    def main_heading(text: str) -> None:
        paragraph = para(main, text, bold=True, size=11, color=navy, before=8, after=3)
        bottom_rule(paragraph, "9FB3C8")

    main_heading("PROFILE")
    para(
        main,
        "Backend engineer with nine years in Python and Go, most of them on systems where a slow "
        "answer costs money: flight search at Skyscanner and, since 2019, intraday power trading "
        "at SSE Renewables. I like boring, observable services and small pull requests.",
        size=9.5,
    )
    main_heading("EXPERIENCE")
    tab = 11.8
    dated(main, "Senior Software Engineer", "Sept. 2019 – present", tab, size=10)
    para(main, "SSE Renewables · Perth", italic=True, size=9.5, after=2)
    bullets(
        main,
        (
            "Own the Python and Go services that price and route intraday power trades for "
            "40+ wind farms; p99 latency under 40 ms.",
            "Moved 30 services from EC2 to EKS: wrote the Helm charts, the Terraform modules "
            "and the runbooks.",
            "Kafka event backbone for meter readings (about 2 bn messages a day); Redis for "
            "hot prices.",
            "Brought in pytest unit and contract tests; the GitHub Actions pipeline went from "
            "25 to 7 minutes.",
        ),
        size=9.5,
    )
    dated(main, "Software Engineer", "03/2016 – 08/2019", tab, size=10)
    para(main, "Skyscanner · Edinburgh", italic=True, size=9.5, after=2)
    bullets(
        main,
        (
            "Built REST APIs for the flight-search ranking service in Python (Flask), used by "
            "partner sites and the app.",
            "Wrote the PostgreSQL schema migrations and the nightly price-quality jobs.",
            "On call for the ranking cluster; led two post-mortems.",
        ),
        size=9.5,
    )
    dated(main, "IT Summer Intern", "Jun 2015 – Aug 2015", tab, size=10)
    para(main, "Stagecoach Group · Perth", italic=True, size=9.5, after=2)
    bullets(main, ("Automated depot timetable reports with Python scripts and Excel.",), 9.5)
    main_heading("EDUCATION")
    dated(main, "BSc (Hons) Computing Science", "2011 – 2015", tab, size=10)
    para(
        main,
        "University of Stirling · First-class honours; dissertation on bus timetable optimisation.",
        size=9.5,
    )
    return doc


# -- fm-02-en: Europass label/content table with a language grid -------------------------------


def fm_02_en(created: datetime) -> DocxDocument:
    doc = new_document("Piotr Kamiński", "Europass CV", created, "Arial", 9, 1.5)
    blue = "0E4194"
    header = doc.sections[0].header
    top = para(header, style="Normal", size=8)
    top.paragraph_format.tab_stops.add_tab_stop(Cm(18.0), WD_TAB_ALIGNMENT.RIGHT)
    run(top, "europass", bold=True, size=13, color=blue)
    run(top, "\tCurriculum Vitae  ·  Piotr Kamiński", size=8, color=blue)
    footer = para(doc.sections[0].footer, style="Normal", size=7)
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(18.0), WD_TAB_ALIGNMENT.RIGHT)
    run(
        footer,
        "© European Union, 2002-2020 | europass.cedefop.europa.eu\tPage ",
        size=7,
        color="666666",
    )
    field(footer, "PAGE", 7)
    run(footer, " / ", size=7, color="666666")
    field(footer, "NUMPAGES", 7)

    table = doc.add_table(rows=0, cols=2)
    label_cm, content_cm = 5.0, 13.0

    def row(label: str, *, bold_label: bool = False) -> _Cell:
        cells: tuple[_Cell, ...] = table.add_row().cells
        para(cells[0], label, size=8, color=blue, align=RIGHT, bold=bold_label)
        return cells[1]

    def section(title: str) -> None:
        cell = row(title.upper(), bold_label=True)
        para(cell, "", size=4, before=8)

    def job(dates: str, title: str, employer: str, items: Sequence[str], sector: str) -> None:
        cell = row(dates)
        para(cell, title, size=11, color=blue, after=1)
        para(cell, employer, size=9, after=2)
        for item in items:
            para(cell, "▪ " + item, size=9, after=1)
        sector_line = para(cell, size=8, after=6)
        run(sector_line, "Business or sector ", size=8, color=blue)
        run(sector_line, sector, size=8)

    name_cell = row("PERSONAL INFORMATION", bold_label=True)
    para(name_cell, "Piotr Kamiński", size=15, color=blue, after=4)
    for line in (
        "ul. Grunwaldzka 212/4, 80-266 Gdańsk (Poland)",
        "+48 512 334 907",
        "piotr.kaminski@o2.pl",
    ):
        para(name_cell, line, size=9, after=1)
    facts = para(name_cell, size=8, after=4)
    for label, value in (
        ("Sex ", "Male  |  "),
        ("Date of birth ", "14/05/1990  |  "),
        ("Nationality ", "Polish"),
    ):
        run(facts, label, size=8, color=blue)
        run(facts, value, size=8)
    wanted = row("JOB APPLIED FOR", bold_label=True)
    para(wanted, "Senior / Lead Data Engineer", size=11, color=blue, after=6)

    section("Work experience")
    job(
        "01/10/2019 – Present",
        "Senior Data Engineer",
        "Intel Technology Poland, ul. Juliusza Słowackiego 173, 80-298 Gdańsk (Poland)",
        (
            "Design and run the Spark pipelines (PySpark and Scala) on Databricks that turn "
            "wafer test data into yield dashboards",
            "Orchestration with Airflow; data contracts and dbt models for the manufacturing marts",
            "Migrated 120 legacy SSIS packages to Azure Data Factory and Databricks",
        ),
        "Semiconductors",
    )
    job(
        "01/03/2016 – 30/09/2019",
        "Data Engineer",
        "Jeppesen (a Boeing company), Gdańsk (Poland)",
        (
            "Kafka ingestion of flight-plan and weather feeds; Python services writing to "
            "PostgreSQL",
            "SQL performance tuning for the crew-planning warehouse during its move from "
            "Oracle to PostgreSQL",
        ),
        "Aviation software",
    )
    job(
        "01/08/2014 – 29/02/2016",
        "Junior BI Developer",
        "Wirtualna Polska Media, Gdańsk (Poland)",
        ("Power BI and SQL Server reports for the advertising sales team",),
        "Online media",
    )

    section("Education and training")
    for dates, title, school, extra, level in (
        (
            "10/2012 – 09/2014",
            "Master of Science in Engineering (magister inżynier), Computer Science",
            "Gdańsk University of Technology (Politechnika Gdańska), Gdańsk (Poland)",
            "Thesis: Incremental materialised views over streaming data",
            "EQF level 7",
        ),
        (
            "10/2008 – 09/2012",
            "Engineer (inżynier), Computer Science",
            "Gdańsk University of Technology, Gdańsk (Poland)",
            "",
            "EQF level 6",
        ),
    ):
        cell = row(dates)
        title_line = para(cell, size=11, after=1)
        title_line.paragraph_format.tab_stops.add_tab_stop(
            Cm(content_cm - 0.3), WD_TAB_ALIGNMENT.RIGHT
        )
        run(title_line, title, size=10.5, color=blue)
        run(title_line, "\t" + level, size=8, color=blue)
        para(cell, school, size=9, after=1)
        if extra:
            para(cell, extra, size=9, after=6)

    section("Personal skills")
    mother = row("Mother tongue(s)")
    para(mother, "Polish", size=10, after=4)
    other = row("Other language(s)")
    grid = other.add_table(rows=6, cols=6)
    grid.style = "Table Grid"
    widths(grid, (2.2, 2.1, 2.1, 2.1, 2.1, 2.1))
    for column, text in enumerate(("", "UNDERSTANDING", "", "SPEAKING", "", "WRITING")):
        para(grid.cell(0, column), text, size=7, color=blue, align=CENTER, after=0)
    grid.cell(0, 1).merge(grid.cell(0, 2))
    grid.cell(0, 3).merge(grid.cell(0, 4))
    subheads = ("", "Listening", "Reading", "Spoken interaction", "Spoken production", "")
    for column, text in enumerate(subheads):
        para(grid.cell(1, column), text, size=7, color=blue, align=CENTER, after=0)
    grid_rows = (
        ("English", ("C1", "C2", "C1", "C1", "C1")),
        ("", ("Cambridge Certificate in Advanced English (CAE), 2013",)),
        ("German", ("B1", "B2", "B1", "A2", "B1")),
        ("", ("Goethe-Zertifikat B1, 2017",)),
    )
    for offset, (language, levels) in enumerate(grid_rows, start=2):
        para(grid.cell(offset, 0), language, size=8, color=blue, after=0)
        if len(levels) == 1:
            merged = grid.cell(offset, 1).merge(grid.cell(offset, 5))
            para(merged, levels[0], size=7, align=CENTER, after=0)
        else:
            for column, level in enumerate(levels, start=1):
                para(grid.cell(offset, column), level, size=8.5, align=CENTER, after=0)
    para(
        other,
        "Levels: A1 and A2: Basic user - B1 and B2: Independent user - C1 and C2: Proficient user",
        size=7,
        before=2,
        after=0,
    )
    para(other, "Common European Framework of Reference for Languages", size=7, after=6)
    communication = row("Communication skills")
    para(
        communication,
        "Mentored four junior engineers; talk on data contracts at PyData Trójmiasto 2023.",
        size=9,
        after=4,
    )
    digital = row("Digital skills")
    para(
        digital,
        "Python, SQL, Scala · Apache Spark, Databricks, Airflow, dbt, Kafka · Azure (Data "
        "Factory, Synapse) · PostgreSQL · Power BI · Git",
        size=9,
        after=4,
    )
    licence = row("Driving licence")
    para(licence, "B", size=9, after=4)

    section("Additional information")
    certificates = row("Certifications")
    para(certificates, "DP-203: Data Engineering on Microsoft Azure (2022)", size=9, after=2)
    widths(table, (label_cm, content_cm))
    return doc


# -- fm-03-en: heading styles, right-aligned dates on tab stops, page break --------------------


def fm_03_en(created: datetime) -> DocxDocument:
    doc = new_document("Declan Moriarty", "Declan Moriarty CV", created, "Cambria", 10.5, 2.0)
    green = "1E5631"
    heading_style(doc, "Title", "Cambria", 24, green, before=0)
    heading_style(doc, "Heading 1", "Cambria", 13, green)
    doc.styles["Title"].paragraph_format.space_after = Pt(0)
    tab = 17.0
    doc.add_paragraph("Declan Moriarty", style="Title")
    para(doc, "Platform / DevOps Engineer", italic=True, size=12, after=2)
    para(
        doc,
        "Cork, Ireland  ·  +353 87 412 0936  ·  declan.moriarty@eircom.net  ·  "
        "linkedin.com/in/declanmoriarty",
        size=9.5,
        color="444444",
        after=4,
    )

    doc.add_heading("Profile", level=1)
    para(
        doc,
        "Platform engineer with twelve years behind me, first running Linux fleets and lately "
        "Kubernetes platforms for security products. I spent three years in Málaga building "
        "the DevOps practice of a small SaaS company, which is where my Spanish comes from.",
    )

    doc.add_heading("Skills", level=1)
    for label, text in (
        ("Cloud & containers", "AWS (EKS), Docker, k8s"),
        ("IaC & config", "Terraform, Ansible, Helm"),
        ("CI/CD", "GitLab CI, Argo CD"),
        ("Observability", "Prometheus, Grafana, OpenTelemetry"),
        ("Scripting", "Bash, PowerShell"),
        ("OS", "Linux (RHEL, Ubuntu), Windows Server"),
    ):
        labelled(doc, label, text)

    doc.add_heading("Experience", level=1)
    dated(doc, "Senior Platform Engineer, Trend Micro — Cork", "Jan 2019 – Present", tab)
    bullets(
        doc,
        (
            "Run the multi-account AWS landing zone (120 accounts) and the EKS clusters behind "
            "the cloud-security console.",
            "Rewrote the cluster bootstrap in Terraform and Helm: a new region now takes a day "
            "instead of three weeks.",
            "Set up Argo CD for 60 teams and the shared GitLab CI templates they deploy with.",
            "Tracing with OpenTelemetry; SLOs and alerting in Prometheus and Grafana.",
        ),
    )
    dated(doc, "DevOps Engineer, Sierra Digital Labs — Málaga, Spain", "2016–2018", tab)
    bullets(
        doc,
        (
            "First DevOps hire at a 40-person SaaS company selling booking software to hotels "
            "on the Costa del Sol.",
            "Containerised the company's PHP monolith with Docker and wrote the Ansible "
            "playbooks for the Linux estate.",
            "Moved every build to GitLab CI pipelines; releases went from monthly to daily.",
        ),
    )
    dated(
        doc,
        "Systems Administrator, University College Cork — IT Services",
        "09/2013 – 12/2015",
        tab,
    )
    bullets(
        doc,
        (
            "Looked after 400 Linux and Windows servers and the student e-mail system.",
            "Bash and PowerShell automation for account provisioning at the start of each term.",
        ),
    )

    page_break(doc)
    doc.add_heading("Certifications", level=1)
    bullets(
        doc, ("CKA – Certified Kubernetes Administrator (2020, renewed 2023)", "AWS SAA-C03 (2023)")
    )

    doc.add_heading("Education", level=1)
    dated(
        doc,
        "Higher Certificate in Science in Computing (NFQ Level 6)",
        "2011 – 2013",
        tab,
        before=2,
    )
    para(doc, "Cork Institute of Technology", italic=True)
    dated(doc, "BSc (Hons) in Software Development — part-time, evenings", "2014 – 2016", tab)
    para(
        doc,
        "Cork Institute of Technology — completed two of the four years; stopped when I moved "
        "to Málaga.",
        italic=True,
    )

    doc.add_heading("Languages", level=1)
    small_table(
        doc,
        (
            ("Language", "Level"),
            ("English", "Native"),
            ("Spanish", "B2 (DELE B2, 2018)"),
            ("Irish", "A2"),
        ),
        (4.0, 5.0),
        10,
    )

    doc.add_heading("Interests", level=1)
    para(doc, "Hurling (junior B, Ballincollig GAA), sea swimming at Myrtleville all year.")
    return doc


# -- fm-07-es: bold runs as headings, small language table --------------------------------------


def fm_07_es(created: datetime) -> DocxDocument:
    doc = new_document("Elena Castaño", "Currículum", created, "Calibri", 10.5, 2.2)
    red = "8B1E2D"
    tab = 16.6

    def heading(text: str) -> None:
        paragraph = para(doc, text, bold=True, size=11.5, color=red, before=12, after=4)
        bottom_rule(paragraph, red, 6)

    para(doc, "Elena Castaño Ruiz", bold=True, size=22, after=0)
    para(doc, "Ingeniera de software backend", size=12.5, color=red, after=2)
    para(
        doc,
        "Valladolid (España)  ·  620 415 889  ·  elena.castano.ruiz@gmail.com  ·  "
        "github.com/ecastanoruiz",
        size=9.5,
        color="444444",
    )

    heading("PERFIL")
    para(
        doc,
        "Ingeniera de software con cinco años construyendo servicios en Java y Kotlin para "
        "movilidad e industria. Trabajo en remoto desde Valladolid. Me gustan los sistemas "
        "sencillos de operar y las revisiones de código con calma.",
    )

    heading("EXPERIENCIA PROFESIONAL")
    dated(doc, "Ingeniera de software sénior — Cabify (remoto)", "feb. 2023 – actualidad", tab)
    bullets(
        doc,
        (
            "Servicios de precios y asignación de viajes en Kotlin y Spring Boot; 1.800 "
            "peticiones por segundo en hora punta.",
            "Despliegue en Kubernetes (GKE) con Helm; migración de las colas de RabbitMQ a Kafka.",
            "Integración continua con GitHub Actions y pruebas de contrato; guardias una semana "
            "al mes.",
        ),
    )
    dated(doc, "Desarrolladora backend — Duero Sistemas, Valladolid", "10/2020 – 01/2023", tab)
    bullets(
        doc,
        (
            "APIs REST en Java para la trazabilidad de lotes en plantas de automoción.",
            "Modelado de datos en PostgreSQL y caché de pedidos en Redis.",
            "Dockerización de los servicios y primeros módulos de Terraform en Google Cloud.",
        ),
    )
    dated(doc, "Prácticas — Fundación CARTIF, Boecillo (Valladolid)", "02/2020 – 06/2020", tab)
    bullets(
        doc,
        (
            "Adquisición de datos de sensores para un proyecto europeo de eficiencia "
            "energética en edificios públicos.",
        ),
    )

    heading("FORMACIÓN")
    dated(doc, "Grado en Ingeniería Informática", "2016 – 2020", tab, before=2)
    para(doc, "Universidad de Valladolid — Escuela de Ingeniería Informática", italic=True)
    dated(doc, "Máster Universitario en Ingeniería Informática", "2021 – 2022", tab)
    para(
        doc,
        "UNED — no finalizado (aprobadas 6 de 9 asignaturas; lo dejé al cambiar de empresa)",
        italic=True,
    )

    heading("CONOCIMIENTOS")
    for label, text in (
        ("Lenguajes", "Java, Kotlin"),
        ("Frameworks", "Spring Boot"),
        ("Datos", "PostgreSQL, Redis, Kafka"),
        ("Plataforma", "Docker, Kubernetes (GKE), Helm, Terraform, Google Cloud"),
        ("Forma de trabajo", "Scrum, TDD, revisiones de código"),
    ):
        labelled(doc, label, text)

    heading("IDIOMAS")
    small_table(
        doc,
        (
            ("Idioma", "Nivel"),
            ("Español", "Nativo"),
            ("Inglés", "Avanzado (C1)"),
            ("Francés", "Básico"),
        ),
        (3.5, 4.5),
        10,
    )

    heading("CERTIFICACIONES")
    para(doc, "CKAD – Certified Kubernetes Application Developer (2024)")
    footer = para(doc.sections[0].footer, align=CENTER)
    run(footer, "Elena Castaño Ruiz · CV · noviembre de 2025", size=8, color="777777")
    return doc


# -- fm-09-fr: heading styles, contact in the header, language table in words ------------------


def fm_09_fr(created: datetime) -> DocxDocument:
    doc = new_document("Clémence Royer", "CV Clémence Royer", created, "Calibri", 10.5, 2.0)
    teal = "0B6E79"
    heading_style(doc, "Title", "Calibri Light", 26, teal, before=0)
    heading_style(doc, "Heading 1", "Calibri Light", 13, teal, before=12)
    tab = 17.0
    header = para(doc.sections[0].header, style="Normal", size=8.5)
    header.paragraph_format.tab_stops.add_tab_stop(Cm(17.0), WD_TAB_ALIGNMENT.RIGHT)
    run(header, "Clémence Royer — Product Owner", size=8.5, color=teal)
    run(header, "\tclemence.royer@laposte.net · 06 71 28 44 19", size=8.5, color="555555")
    footer = para(doc.sections[0].footer, align=CENTER)
    run(footer, "Clémence Royer — CV — mai 2026 — page ", size=8, color="777777")
    field(footer, "PAGE", 8)

    doc.add_paragraph("Clémence Royer", style="Title")
    para(doc, "Product Owner · 12 ans d'expérience, dont 8 dans le numérique", size=12, after=2)
    para(doc, "Nantes (44), France · permis B · linkedin.com/in/clemenceroyer", size=9.5)

    doc.add_heading("Profil", level=1)
    para(
        doc,
        "Ancienne responsable de rayon passée au produit en 2018 : je sais ce que vit un "
        "client en magasin et ce que coûte une fonctionnalité mal comprise. Discovery, "
        "priorisation et beaucoup d'entretiens utilisateurs.",
    )

    doc.add_heading("Expérience professionnelle", level=1)
    dated(doc, "Product Owner — Lengow, Nantes", "sept. 2021 – aujourd'hui", tab, before=2)
    bullets(
        doc,
        (
            "Produit « connecteurs marketplaces » (Amazon, Cdiscount, Zalando) : roadmap "
            "trimestrielle, OKR, gestion des parties prenantes (ventes, support, partenaires).",
            "Discovery continue : 6 à 8 entretiens utilisateurs par mois, tests d'utilisabilité "
            "sur des maquettes Figma.",
            "Suivi des usages dans Amplitude et tests A/B sur l'onboarding (+9 points "
            "d'activation).",
            "Le modèle de recommandation de prix, construit en Python par l'équipe data, est "
            "intégré à mon périmètre : j'en définis les règles métier et les critères "
            "d'acceptation.",
        ),
    )
    dated(
        doc,
        "Business Analyst, puis PO junior — iAdvize, Nantes",
        "janv. 2018 – août 2021",
        tab,
    )
    bullets(
        doc,
        (
            "User stories, backlog dans Jira et animation des rituels Scrum pour deux équipes.",
            "Requêtes SQL simples pour suivre l'adoption des fonctionnalités ; comptes rendus "
            "partagés dans Confluence.",
        ),
    )
    dated(
        doc,
        "Responsable de rayon multimédia — Fnac, Nantes Atlantis",
        "juil. 2013 – déc. 2017",
        tab,
    )
    bullets(
        doc,
        (
            "Équipe de 9 vendeurs, chiffre d'affaires annuel de 4,2 M€.",
            "Plans d'implantation, inventaires, remontée des avis clients au siège.",
        ),
    )

    doc.add_heading("Formation", level=1)
    dated(doc, "Master Management de l'innovation — IAE Nantes", "2011 – 2013", tab, before=2)
    dated(doc, "Licence Économie-Gestion — Université de Nantes", "2008 – 2011", tab, before=2)

    doc.add_heading("Compétences", level=1)
    for text in (
        "Produit\tdiscovery, roadmap, OKR, priorisation (RICE)",
        "Outils\tJira, Confluence, Figma, Amplitude, Miro",
        "Data\tSQL (requêtes simples), lecture de tableaux de bord",
    ):
        paragraph = para(doc, style="List Bullet", after=1)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(3.2), WD_TAB_ALIGNMENT.LEFT)
        label, rest = text.split("\t")
        run(paragraph, label, bold=True)
        run(paragraph, "\t" + rest)

    doc.add_heading("Langues", level=1)
    small_table(
        doc,
        (
            ("Langue", "Niveau"),
            ("Français", "Langue maternelle"),
            ("Anglais", "Courant"),
            ("Espagnol", "Intermédiaire"),
        ),
        (3.5, 4.5),
        10,
    )

    doc.add_heading("Certification", level=1)
    para(doc, "PSPO I — Scrum.org (2019)")
    return doc


# -- fm-11-de: German Lebenslauf from borderless date tables, second page -----------------------


def fm_11_de(created: datetime) -> DocxDocument:
    doc = new_document("Anja Lindemann", "Lebenslauf", created, "Arial", 10, 2.2)
    grey = "4D4D4D"
    date_cm, text_cm = 3.6, 13.0

    def heading(text: str) -> None:
        paragraph = para(doc, text, bold=True, size=12, color=grey, before=12, after=4)
        bottom_rule(paragraph, "808080", 6)

    def entries(rows: Sequence[tuple[str, str, str, Sequence[str]]]) -> None:
        table = doc.add_table(rows=len(rows), cols=2)
        for index, (dates, title, place, items) in enumerate(rows):
            left, right = table.rows[index].cells
            para(left, dates, size=9.5, after=0)
            para(right, title, bold=True, after=0)
            para(right, place, italic=True, size=9.5, after=2)
            for item in items:
                para(right, "– " + item, size=9.5, after=1)
            para(right, "", size=4, after=4)
        widths(table, (date_cm, text_cm))

    para(doc, "Lebenslauf", bold=True, size=22, after=8)
    heading("Persönliche Daten")
    personal = doc.add_table(rows=5, cols=2)
    for index, (label, value) in enumerate(
        (
            ("Name", "Dr. rer. nat. Anja Lindemann"),
            ("Anschrift", "Königsbrücker Straße 58, 01099 Dresden, Deutschland"),
            ("Telefon", "+49 351 4128 7730"),
            ("E-Mail", "anja.lindemann@posteo.de"),
            ("Geburtsdatum", "03.11.1987 in Görlitz"),
        )
    ):
        para(personal.cell(index, 0), label, size=9.5, after=0)
        para(personal.cell(index, 1), value, after=0)
    widths(personal, (date_cm, text_cm))

    heading("Beruflicher Werdegang")
    entries(
        (
            (
                "seit 12/2020",
                "Senior Data Scientist",
                "Infineon Technologies Dresden",
                (
                    "Modelle zur Ausbeutevorhersage in der 300-mm-Fertigung (Python, PyTorch, "
                    "scikit-learn)",
                    "Zeitreihenprognosen für Anlagenausfälle: Predictive Maintenance für "
                    "140 Anlagen",
                    "MLOps mit MLflow, Docker und AWS SageMaker; zwölf Modelle in der "
                    "Linienfertigung produktiv",
                ),
            ),
            (
                "03/2018 – 11/2020",
                "Wissenschaftliche Mitarbeiterin (Postdoc)",
                "Technische Universität Dresden, Institut für Theoretische Physik",
                (
                    "Deep-Learning-Modelle für Spektroskopiedaten, zwei Veröffentlichungen",
                    "Betreuung von fünf Masterarbeiten; Übungen zur Statistischen Physik",
                ),
            ),
            (
                "10/2011 – 09/2012",
                "Werkstudentin",
                "GlobalFoundries, Dresden",
                ("Auswertung von Prozessdaten mit Python und pandas",),
            ),
        )
    )

    page_break(doc)
    heading("Ausbildung")
    entries(
        (
            (
                "10/2013 – 02/2018",
                "Promotion (Dr. rer. nat.) in Physik, magna cum laude",
                "Technische Universität Dresden",
                ("Stipendium der Studienstiftung des deutschen Volkes",),
            ),
            ("10/2011 – 09/2013", "Master of Science Physik", "Technische Universität Dresden", ()),
            ("10/2008 – 09/2011", "Bachelor of Science Physik", "Universität Leipzig", ()),
            ("06/2008", "Abitur (Note 1,3)", "Augustum-Annen-Gymnasium Görlitz", ()),
        )
    )

    heading("Kenntnisse")
    for label, text in (
        ("Programmierung", "Python (sehr gut), C++ (gut)"),
        ("Machine Learning", "PyTorch, scikit-learn, pandas, NumPy, MLflow"),
        ("Cloud & Tools", "AWS (SageMaker, S3), Docker, Git, Linux"),
        ("Methoden", "Statistik, Zeitreihenanalyse, Bayessche Verfahren"),
    ):
        paragraph = para(doc, after=2)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(date_cm + 0.2), WD_TAB_ALIGNMENT.LEFT)
        run(paragraph, label, size=9.5)
        run(paragraph, "\t" + text)

    heading("Sprachen")
    small_table(
        doc,
        (
            ("Sprache", "Niveau"),
            ("Deutsch", "Muttersprache"),
            ("Englisch", "verhandlungssicher (C1)"),
            ("Tschechisch", "Grundkenntnisse"),
        ),
        (3.6, 5.5),
        9.5,
    )

    heading("Zertifikate")
    para(doc, "AWS Certified Machine Learning – Specialty (2022)")

    para(doc, "Dresden, 24.03.2025", before=24, after=14)
    para(doc, "Anja Lindemann", italic=True, size=12)
    return doc


# -- all of them --------------------------------------------------------------------------------

CVS: tuple[tuple[str, datetime, Callable[[datetime], DocxDocument]], ...] = (
    ("fm-01-en", datetime(2025, 6, 12, 9, 14, tzinfo=UTC), fm_01_en),
    ("fm-02-en", datetime(2025, 9, 3, 18, 2, tzinfo=UTC), fm_02_en),
    ("fm-03-en", datetime(2026, 2, 17, 21, 40, tzinfo=UTC), fm_03_en),
    ("fm-07-es", datetime(2025, 11, 20, 11, 5, tzinfo=UTC), fm_07_es),
    ("fm-09-fr", datetime(2026, 5, 6, 8, 31, tzinfo=UTC), fm_09_fr),
    ("fm-11-de", datetime(2025, 3, 24, 16, 48, tzinfo=UTC), fm_11_de),
)


def main() -> None:
    for cv_id, created, build in CVS:
        target = HERE / cv_id / "cv.docx"
        save(build(created), target, created)
        print(f"{target.relative_to(HERE)}: {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
