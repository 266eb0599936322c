#!/usr/bin/env python3
"""Writes the PDF files of the bundled sample corpus (sample-corpus/).

The PDFs are written by hand, byte by byte, with the Python standard library only: PDF 1.4,
the standard Helvetica fonts with /WinAnsiEncoding (text is encoded as cp1252, so German,
French and Spanish accents survive), uncompressed content streams, a cross-reference table
with exact byte offsets and an /Info dictionary. The output is deterministic: running the
script twice gives identical files, so the generated PDFs are committed and Passage never
needs Python at run time.

Usage: scripts/make_sample_pdfs.py [--out SAMPLE_CORPUS_DIR] [--check]
  --check  also runs `pdftotext` (poppler-utils) on every PDF and fails if a document's
           key phrases are not extracted exactly.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

# ---- Page layout (A4, points) ------------------------------------------------------------------
PAGE_WIDTH = 595
PAGE_HEIGHT = 842
MARGIN_LEFT = 56
TOP_BASELINE = 786
LEADING = 15  # points between baselines
PARAGRAPH_GAP = 2 * LEADING  # a blank line; tall enough for Poppler to start a new block
LINES_PER_PAGE = 45  # page capacity in lines; a blank line counts as two
WRAP_COLUMNS = 90
BODY_SIZE = 10
HEADING_SIZE = 13
TITLE_SIZE = 16

PAGE_BREAK = "\f"  # a block that forces a new page


@dataclass
class SamplePdf:
    path: str  # relative to the sample corpus folder
    title: str  # the /Info /Title (may deliberately be junk)
    author: str
    subject: str
    creation_date: str  # D:YYYYMMDDHHmmSSZ
    lang: str | None  # the catalog /Lang, or None to leave it out
    blocks: list[tuple[str, str]]  # ("title" | "heading" | "text" | "line", text) or PAGE_BREAK
    check: list[str] = field(default_factory=list)  # phrases pdftotext must return


def title(t: str) -> tuple[str, str]:
    return ("title", t)


def heading(t: str) -> tuple[str, str]:
    return ("heading", t)


def para(t: str) -> tuple[str, str]:
    return ("text", " ".join(t.split()))


def line(t: str) -> tuple[str, str]:
    return ("line", t)


NEW_PAGE = (PAGE_BREAK, "")

# ---- The documents -----------------------------------------------------------------------------

DOCUMENTS: list[SamplePdf] = [
    SamplePdf(
        path="compas-working-papers/cmise-multilevel-governance-2019.pdf",
        title="Cities and Migrants with Irregular Status: Multi-level Governance after C-MISE",
        author="Rosa Ferreira; Tomasz Weller",
        subject="COMPAS Working Paper on municipal services for migrants with irregular status",
        creation_date="D:20190314093000Z",
        lang="en-GB",
        blocks=[
            title("Cities and Migrants with Irregular Status:"),
            title("Multi-level Governance after C-MISE"),
            line("Rosa Ferreira and Tomasz Weller"),
            line("COMPAS Working Paper No. 142, University of Oxford, March 2019"),
            heading("Abstract"),
            para("""European cities increasingly provide shelter, health care, schooling and legal
                advice to residents who have no valid residence permit. This paper revisits the
                City Initiative on Migrants with Irregular Status in Europe (C-MISE), a knowledge
                exchange between municipalities, and asks how local services for irregular
                migrants fit into a system of multi-level governance in which national
                governments control entry and residence while cities carry much of the day-to-day
                responsibility for welfare."""),
            para("""Keywords: irregular migration, multi-level governance, municipalities, social
                rights, C-MISE"""),
            NEW_PAGE,
            heading("1. Introduction"),
            para("""National migration policy in most European states assumes that a person without
                status will either regularise or leave. In practice many people remain for years:
                rejected asylum seekers who cannot be returned, overstayers whose visas expired,
                and family members who fell out of status when a sponsor lost a job. Cities meet
                these residents in emergency rooms, schools and night shelters long before any
                national authority decides their case."""),
            para("""The C-MISE exchange brought together officials from a number of European cities
                who faced the same question: what is a municipality allowed, obliged or willing
                to do for people whom national law regards as not entitled to stay? The answers
                varied widely, but the participants shared a view that ignoring the question was
                itself a policy, with costs for public health, child welfare and social
                cohesion."""),
            para("""We draw on the published C-MISE material, on interviews with municipal officials
                and on legal analysis to describe the room for manoeuvre that cities have found.
                Our interest is not only in what cities do but in how they justify it to national
                governments, to their own councils and to the wider public."""),
            NEW_PAGE,
            heading("2. Where the levels collide"),
            para("""Multi-level governance is often described as cooperation between levels of
                government that share goals. The case of irregular migrants shows a more
                conflictual picture. Three tensions stand out."""),
            para("""First, competences overlap. Immigration status is a national matter, but
                housing, youth services and public health are frequently municipal or regional. A
                city that funds a shelter is acting within its own powers, even if the people who
                use the shelter are expected by the state to leave."""),
            para("""Second, duties point in different directions. Child protection law, human rights
                obligations and professional ethics require doctors, teachers and social workers
                to serve everyone, while some national rules require public bodies to report
                people without status. Several cities have responded by separating service
                delivery from immigration enforcement, a practice sometimes called a firewall."""),
            para("""Third, money and responsibility are unevenly distributed. Cities bear the costs
                of destitution, but national budgets rarely compensate them, and European funding
                is usually tied to people with a recognised status."""),
            NEW_PAGE,
            heading("3. Conclusions"),
            para("""Municipal action for migrants with irregular status is not an act of defiance so
                much as a pragmatic response to residents who are already present. The C-MISE
                experience suggests that cities are most effective when they frame their services
                in the language of public health, child welfare and public order rather than
                rights alone, when they build alliances with civil society and regional
                authorities, and when they document outcomes carefully. For national governments,
                the lesson is that a policy of exclusion which cities must quietly repair is a
                poorly designed policy. A more honest multi-level governance of irregular
                migration would acknowledge the local role and fund it."""),
            para("""Acknowledgements: we thank the city officials who shared their experience and
                the reviewers of an earlier draft."""),
        ],
        check=["C-MISE", "multi-level governance", "irregular migrants", "firewall", "defiance"],
    ),
    SamplePdf(
        path="compas-working-papers/care-work-labour-migration-draft3.pdf",
        title="Microsoft Word - draft3.doc",  # junk metadata title, as exported by old Word
        author="hokafor",
        subject="",
        creation_date="D:20170622141500Z",
        lang=None,
        blocks=[
            title("Care Work and Labour Migration in Ageing Cities"),
            line("Helen Okafor"),
            line("COMPAS Working Paper No. 131 (draft), 2017"),
            para("""Europe's cities are ageing, and the work of caring for older residents is
                increasingly done by migrants. This draft paper examines how labour migration for
                care work is organised in three settings: live-in carers employed directly by
                families, agency staff in residential homes, and workers hired through public
                home-care services. In each setting, migration rules, employment law and local
                care policy interact in ways that shape wages, working hours and the security of
                residence."""),
            para("""Live-in care is the least regulated arrangement. Workers often arrive on
                short-term visas or through free movement, live in the home of the person they
                look after, and are on call for much of the day. Their employers are private
                households that rarely think of themselves as employers. Where the worker's right
                to stay depends on the job, leaving an abusive placement can mean losing the
                permit, which weakens the worker's bargaining power."""),
            para("""Residential homes rely on recruitment agencies that advertise abroad. Our
                interviews suggest that recruitment fees, tied accommodation and unclear
                contracts are common sources of debt. Some municipalities have begun to write
                fair recruitment clauses into their procurement rules, requiring providers to
                show that no fees were charged to workers."""),
            NEW_PAGE,
            heading("Implications for local policy"),
            para("""Cities cannot set visa rules, but they commission a large share of care, license
                providers and fund advice services. These levers give them more influence over
                the conditions of migrant care workers than is usually assumed. We recommend that
                local authorities collect data on the workforce they commission, support language
                training linked to professional qualifications, and treat the recognition of
                foreign nursing credentials as part of their labour market strategy rather than
                as a national technicality."""),
            para("Note: this is a working draft; please do not cite without permission."),
        ],
        check=["Care Work and Labour Migration in Ageing Cities", "live-in carers",
               "nursing credentials"],
    ),
    SamplePdf(
        path="compas-working-papers/unbegleitete-minderjaehrige-kommunen-2021.pdf",
        title="Ankommen in der Kommune: Unbegleitete Minderjährige zwischen Jugendhilfe und "
              "Aufenthaltsrecht",
        author="Miriam Albrecht",
        subject="Kommunale Aufnahme unbegleiteter minderjähriger Geflüchteter",
        creation_date="D:20210503110000Z",
        lang="de-DE",
        blocks=[
            title("Ankommen in der Kommune: Unbegleitete Minderjährige"),
            title("zwischen Jugendhilfe und Aufenthaltsrecht"),
            line("Miriam Albrecht"),
            line("COMPAS Working Paper Nr. 158, 2021"),
            heading("Zusammenfassung"),
            para("""Seit 2015 sind tausende unbegleitete Minderjährige nach Deutschland gekommen.
                Zuständig für sie ist nicht in erster Linie das Ausländerrecht, sondern die
                Kinder- und Jugendhilfe. Jugendämter nehmen die jungen Menschen vorläufig in
                Obhut, klären Alter, Gesundheit und familiäre Bindungen und entscheiden, ob eine
                Verteilung auf eine andere Kommune in Frage kommt. Dieses Working Paper
                untersucht, wie Städte diese Aufgabe organisieren und wo sie an die Grenzen des
                Aufenthaltsrechts stoßen."""),
            heading("Zwischen Schutzauftrag und Migrationssteuerung"),
            para("""Die Jugendhilfe folgt dem Grundsatz des Kindeswohls. Für sie ist ein
                Jugendlicher ohne Eltern zunächst ein Kind in Not, unabhängig von seiner
                Herkunft. Das Recht der Migration dagegen fragt nach Einreise, Aufenthaltsstatus
                und Rückkehr. In der Praxis treffen beide Logiken in der Vormundschaft
                aufeinander: Der Vormund muss entscheiden, ob ein Schutzgesuch im Interesse des
                Kindes liegt oder ob ein anderer Aufenthaltstitel bessere Aussichten bietet."""),
            para("""Besonders schwierig ist der Übergang zur Volljährigkeit. Mit dem achtzehnten
                Geburtstag enden viele Leistungen, obwohl Schule und Ausbildung oft noch nicht
                abgeschlossen sind. Einige Städte verlängern die Hilfe für junge Volljährige
                gezielt, andere verweisen auf knappe Haushalte."""),
            NEW_PAGE,
            heading("Empfehlungen"),
            para("""Aus Interviews mit Fachkräften in fünf Städten ergeben sich drei Empfehlungen.
                Erstens sollten Vormünder frühzeitig unabhängige Rechtsberatung erhalten.
                Zweitens braucht es verlässliche Übergänge in Ausbildung und Wohnen über das
                achtzehnte Lebensjahr hinaus. Drittens sollten Kommunen ihre Erfahrungen
                systematisch austauschen, denn die Integration unbegleiteter Minderjähriger
                gelingt dort am besten, wo Jugendhilfe, Schulen und Ausländerbehörden miteinander
                statt nebeneinander arbeiten."""),
        ],
        check=["unbegleitete Minderjährige", "Migration", "stoßen", "Übergang zur Volljährigkeit"],
    ),
    SamplePdf(
        path="icmpd-reports/retour-volontaire-2018.pdf",
        title="Retour volontaire et réintégration : enseignements de programmes récents",
        author="Claire Dumont",
        subject="Rapport sur l'aide au retour volontaire et la réintégration",
        creation_date="D:20181120160000Z",
        lang="fr-FR",
        blocks=[
            title("Retour volontaire et réintégration :"),
            title("enseignements de programmes récents"),
            line("Claire Dumont"),
            line("Rapport ICMPD, novembre 2018"),
            heading("Résumé"),
            para("""Les programmes d'aide au retour volontaire occupent une place croissante dans
                les politiques de migration européennes. Ils proposent aux personnes qui ne
                disposent pas d'un droit au séjour, ou qui souhaitent rentrer, un billet, une
                petite somme d'argent et parfois un accompagnement dans le pays d'origine. Ce
                rapport examine ce que l'on sait de leur efficacité et des conditions d'une
                réintégration durable."""),
            heading("Ce que montrent les évaluations"),
            para("""Les évaluations disponibles sont rares et souvent limitées à la période qui suit
                immédiatement l'arrivée. Elles indiquent néanmoins que l'aide en nature, comme la
                formation professionnelle ou le soutien à la création d'une petite entreprise,
                produit de meilleurs résultats que les seuls versements en espèces. Le conseil
                avant le départ est également déterminant : une personne qui connaît les
                possibilités réelles dans sa région d'origine prend une décision plus libre et
                mieux préparée."""),
            para("""La réintégration ne dépend pas seulement de la personne qui rentre. Les
                familles, les communautés locales et les autorités du pays d'origine jouent un
                rôle important. Lorsque le retour est perçu comme un échec, la stigmatisation
                peut pousser à une nouvelle migration."""),
            NEW_PAGE,
            heading("Recommandations"),
            para("""Nous recommandons de mesurer la réintégration sur plusieurs années, selon des
                critères économiques, sociaux et psychosociaux ; d'associer les acteurs locaux du
                pays d'origine dès la conception des programmes ; et de séparer clairement le
                conseil au retour des procédures d'éloignement, afin que le caractère volontaire
                du retour reste crédible."""),
        ],
        check=["réintégration durable", "migration", "perçu comme un échec", "psychosociaux"],
    ),
    SamplePdf(
        path="icmpd-reports/resettlement-pathways-2023.pdf",
        title="Beyond Quotas: Resettlement and Complementary Pathways in Europe",
        author="Jonas Petrakis",
        subject="ICMPD report on resettlement, community sponsorship and complementary pathways",
        creation_date="D:20230912080000Z",
        lang="en",
        blocks=[
            title("Beyond Quotas: Resettlement and"),
            title("Complementary Pathways in Europe"),
            line("Jonas Petrakis"),
            line("ICMPD Report, September 2023"),
            heading("Summary"),
            para("""Resettlement moves refugees who cannot stay safely in their first country of
                asylum to a third country that agrees to admit them permanently. For decades it
                has been a small programme compared with the number of people in need. This
                report reviews how European states have tried to widen safe routes through
                resettlement quotas, humanitarian admission, community sponsorship and
                complementary pathways for study and work, and what these routes mean for
                migration governance."""),
            heading("Findings"),
            para("""Resettlement remains highly dependent on political will. Pledges rise after
                visible crises and fall when asylum arrivals by irregular routes increase, even
                though the two groups of refugees are different. Predictable multi-year
                commitments allow receiving municipalities to plan housing and school places, and
                they strengthen the selection work done with UNHCR."""),
            para("""Community sponsorship schemes, in which groups of residents commit to support a
                refugee family for a first period, have spread from Canada to several European
                countries. They add places and bring local volunteers into integration work, but
                they work best when they supplement government quotas rather than replace them."""),
            NEW_PAGE,
            para("""Complementary pathways such as university scholarships and labour mobility
                schemes open routes for refugees with particular skills. Their potential is real
                but often limited by document requirements, recognition of qualifications and the
                cost of travel."""),
            heading("Recommendations"),
            para("""States should announce resettlement quotas for several years at a time, fund
                local reception partners directly, and remove practical barriers from
                complementary pathways, for example by accepting alternative proof of identity
                and qualifications."""),
        ],
        check=["community sponsorship", "resettlement quotas", "migration governance"],
    ),
]

# A truncated PDF: a valid header, the start of a catalog object, then bytes that are no PDF at
# all, and no cross-reference table or trailer. Poppler cannot open it.
BROKEN_PATH = "icmpd-reports/broken.pdf"


def broken_pdf_bytes() -> bytes:
    junk = hashlib.sha256(b"passage-broken-sample").digest() * 2
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Cata" + junk + b"\n"


# ---- PDF writing -------------------------------------------------------------------------------


def pdf_string(text: str) -> bytes:
    """A literal string for a content stream: cp1252 (WinAnsiEncoding) bytes, escaped."""
    out = bytearray(b"(")
    for b in text.encode("cp1252"):
        if b in (0x28, 0x29, 0x5C):  # ( ) backslash
            out += b"\\" + bytes([b])
        elif b < 0x20 or b > 0x7E:
            out += b"\\%03o" % b
        else:
            out.append(b)
    out += b")"
    return bytes(out)


def info_string(text: str) -> bytes:
    """A text string for the /Info dictionary: plain if ASCII, else UTF-16BE with a BOM."""
    if text.isascii():
        return pdf_string(text)
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def layout(blocks: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Lays blocks out as pages of (font size key, line text); "" is a blank line."""
    pages: list[list[tuple[str, str]]] = [[]]

    def used(page: list[tuple[str, str]]) -> int:
        return sum(2 if kind == "blank" else 1 for kind, _ in page)

    def emit(kind: str, text: str) -> None:
        if used(pages[-1]) >= LINES_PER_PAGE:
            pages.append([])
        pages[-1].append((kind, text))

    for kind, text in blocks:
        if kind == PAGE_BREAK:
            pages.append([])
            continue
        if kind == "text":
            wrapped = textwrap.wrap(text, WRAP_COLUMNS, break_long_words=False,
                                    break_on_hyphens=False)
            if pages[-1] and pages[-1][-1][0] in ("title", "line"):
                emit("blank", "")
            # Keep a paragraph's first two lines together at the foot of a page.
            if LINES_PER_PAGE - used(pages[-1]) < 3:
                pages.append([])
            for w in wrapped:
                emit("text", w)
            emit("blank", "")
        elif kind == "heading":
            if pages[-1] and pages[-1][-1][0] != "blank":
                emit("blank", "")
            if LINES_PER_PAGE - used(pages[-1]) < 4:
                pages.append([])
            emit("heading", text)
            emit("blank", "")
        elif kind in ("title", "line"):
            emit(kind, text)
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    # A blank line at the foot of a page is useless.
    for page in pages:
        while page and page[-1][0] == "blank":
            page.pop()
    return [p for p in pages if p]


def content_stream(page: list[tuple[str, str]]) -> bytes:
    fonts = {"title": (b"/F2", TITLE_SIZE), "heading": (b"/F2", HEADING_SIZE),
             "text": (b"/F1", BODY_SIZE), "line": (b"/F1", BODY_SIZE + 1)}
    out = bytearray(b"BT\n")
    out += b"%d TL\n%d %d Td\n" % (LEADING, MARGIN_LEFT, TOP_BASELINE)
    current = None
    first = True
    for kind, text in page:
        if kind == "blank":
            out += b"0 -%d Td\n" % PARAGRAPH_GAP
            continue
        font, size = fonts[kind]
        if (font, size) != current:
            out += b"%s %d Tf\n" % (font, size)
            current = (font, size)
        if not first:
            out += b"T*\n"
        first = False
        if text:
            out += pdf_string(text) + b" Tj\n"
    out += b"ET\n"
    return bytes(out)


def build_pdf(doc: SamplePdf) -> bytes:
    pages = layout(doc.blocks)
    # Object numbers: 1 catalog, 2 pages, 3 Helvetica, 4 Helvetica-Bold, 5 info, then per page
    # a page object and its content stream.
    objects: dict[int, bytes] = {}
    first_page = 6
    kids = [first_page + 2 * i for i in range(len(pages))]
    catalog = b"<< /Type /Catalog /Pages 2 0 R"
    if doc.lang:
        catalog += b" /Lang " + pdf_string(doc.lang)
    objects[1] = catalog + b" >>"
    objects[2] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                  + b"] /Count %d >>" % len(pages))
    objects[3] = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                  b"/Encoding /WinAnsiEncoding >>")
    objects[4] = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
                  b"/Encoding /WinAnsiEncoding >>")
    info = [(b"/Title", doc.title), (b"/Author", doc.author), (b"/Subject", doc.subject),
            (b"/Producer", "Passage scripts/make_sample_pdfs.py")]
    objects[5] = (b"<< " + b" ".join(k + b" " + info_string(v) for k, v in info if v)
                  + b" /CreationDate " + pdf_string(doc.creation_date)
                  + b" /ModDate " + pdf_string(doc.creation_date) + b" >>")
    for i, page in enumerate(pages):
        page_obj, content_obj = kids[i], kids[i] + 1
        objects[page_obj] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % (PAGE_WIDTH, PAGE_HEIGHT)
            + b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>" % content_obj)
        stream = content_stream(page)
        objects[content_obj] = (b"<< /Length %d >>\nstream\n" % len(stream) + stream
                                + b"endstream")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    count = max(objects) + 1
    xref_at = len(out)
    out += b"xref\n0 %d\n" % count
    out += b"0000000000 65535 f \n"
    for num in range(1, count):
        out += b"%010d 00000 n \n" % offsets[num]
    file_id = hashlib.md5(doc.path.encode("utf-8")).hexdigest().upper().encode("ascii")
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R /ID [<%s> <%s>] >>\n"
            % (count, file_id, file_id))
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def check_pdf(path: Path, doc: SamplePdf) -> list[str]:
    """Problems found by pdftotext in one generated PDF (empty when it is fine)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")
    flat = " ".join(text.split())
    problems = [f"{doc.path}: pdftotext lost {phrase!r}" for phrase in doc.check
                if phrase not in flat]
    info = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], check=True,
                          capture_output=True).stdout.decode("utf-8")
    if doc.title not in info:
        problems.append(f"{doc.path}: pdfinfo does not show the title")
    return problems


def main() -> int:
    default_out = Path(__file__).resolve().parent.parent / "sample-corpus"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_out,
                        help="the sample corpus folder (default: %(default)s)")
    parser.add_argument("--check", action="store_true",
                        help="verify the output with pdftotext and pdfinfo")
    args = parser.parse_args()

    for doc in DOCUMENTS:
        target = args.out / doc.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(build_pdf(doc))
        print(f"wrote {target} ({len(layout(doc.blocks))} pages)")
    broken = args.out / BROKEN_PATH
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_bytes(broken_pdf_bytes())
    print(f"wrote {broken} (deliberately broken)")

    if not args.check:
        return 0
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        print("--check needs pdftotext and pdfinfo (poppler-utils)", file=sys.stderr)
        return 2
    problems: list[str] = []
    for doc in DOCUMENTS:
        problems += check_pdf(args.out / doc.path, doc)
    if subprocess.run(["pdftotext", str(broken), "-"], capture_output=True).returncode == 0:
        problems.append(f"{BROKEN_PATH}: pdftotext opened it, but it must be unreadable")
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        print("check: every PDF extracts as expected")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
