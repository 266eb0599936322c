#!/usr/bin/env python3
"""Writes the small hand-made PDFs used by tests/indexer/extract_test.cpp.

Run once from this folder (python3 make_fixtures.py); the PDFs are committed. Each file is a
minimal PDF 1.4 with base-14 fonts, uncompressed content streams and an exact xref table.
"""


def pdf_string(text):
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def text_stream(lines):
    """lines: (font_size, x, y, text) tuples -> a content stream drawing them in Helvetica."""
    ops = []
    for size, x, y, text in lines:
        ops.append(f"BT /F1 {size} Tf {x} {y} Td {pdf_string(text)} Tj ET")
    return "\n".join(ops)


def write_pdf(path, page_streams, info=None, catalog_extra="", encrypt=None):
    objects = []  # object bodies, numbered from 1

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    pages = add(None)
    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for stream in page_streams:
        data = stream.encode("latin-1")
        content = add(f"<< /Length {len(data)} >>\nstream\n".encode("latin-1") + data + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 595 842] "
                        f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>"))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages} 0 R {catalog_extra}>>"
    objects[pages - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                          f"/Count {len(kids)} >>")
    info_ref = None
    if info:
        info_ref = add("<< " + " ".join(f"/{k} {pdf_string(v)}" for k, v in info.items()) + " >>")
    encrypt_ref = add(encrypt) if encrypt else None

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        if isinstance(body, str):
            body = body.encode("latin-1")
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    trailer = f"<< /Size {len(objects) + 1} /Root {catalog} 0 R"
    if info_ref:
        trailer += f" /Info {info_ref} 0 R"
    if encrypt_ref:
        trailer += f" /Encrypt {encrypt_ref} 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]"
    out += f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    with open(path, "wb") as f:
        f.write(out)


BODY = ("Municipal reception policies shape how newly arrived refugees find housing, "
        "language courses and work. This fixture paragraph exists so that the page has "
        "enough body text in a smaller font than its heading.")


def wrap(text, width=80):
    words, lines, line = text.split(), [], ""
    for w in words:
        if len(line) + len(w) + 1 > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return lines


# Two pages with full metadata and a catalog /Lang.
write_pdf("two_pages.pdf", [
    text_stream([(12, 72, 760, "Alpha page one discusses asylum procedures in Europe.")]),
    text_stream([(12, 72, 760, "Beta page two discusses border policy and returns.")]),
], info={"Title": "Two Page Fixture on Asylum", "Author": "Ada Lovelace; Charles Babbage",
         "Subject": "A hand-made test document", "Keywords": "asylum; borders",
         "CreationDate": "D:20190314120000Z"},
   catalog_extra="/Lang (en-GB) ")

# A word-processor title: the large first-page heading must win.
heading = [(24, 72, 760, "Integration of Refugees in Cities")]
body = [(10, 72, 720 - 14 * i, line) for i, line in enumerate(wrap(BODY + " " + BODY))]
write_pdf("junk_title.pdf", [text_stream(heading + body)],
          info={"Title": "Microsoft Word - draft_v3.docx", "Author": "Administrator"})

# A junk title and one font size: the first non-trivial line is the title.
write_pdf("junk_title_plain.pdf", [text_stream([
    (11, 72, 780, "12"),
    (11, 72, 760, "Reception Conditions Directive: A Practical Guide"),
    (11, 72, 740, "This guide explains the reception conditions for people who apply for asylum."),
])], info={"Title": "untitled"})

# A page with only a drawn rectangle: no text at all.
write_pdf("empty_text.pdf", ["0 0 1 rg 100 100 200 200 re f"], info={"Title": "Scanned Report"})

# An /Encrypt dictionary whose user password is not empty: Poppler opens it locked.
write_pdf("encrypted.pdf", [text_stream([(12, 72, 760, "Secret text that must not be readable.")])],
          encrypt="<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 "
                  "/O <" + "11" * 32 + "> /U <" + "22" * 32 + "> >>")
