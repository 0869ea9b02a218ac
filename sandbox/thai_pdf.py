"""One way to open a Thai PDF (A4, Sarabun regular and bold, HarfBuzz shaping) and to break Thai
text into lines: the reports, the class sheet, the letters and the SNG.01 print use it."""

from __future__ import annotations


def thai_pdf(cls, orientation: str, margins: tuple[float, float, float], page_break: float | None = None,
             *, numbered: bool = True):
    """An A4 fpdf2 document of class ``cls`` (an ``FPDF`` with its own footer) in Sarabun, regular
    and bold, with HarfBuzz shaping for Thai; ``page_break``: the automatic break's bottom margin
    (``None``: the caller breaks pages); ``numbered``: ``{nb}`` stands for the page count."""
    pdf = cls(orientation=orientation, unit="mm", format="A4")
    pdf.set_margins(*margins)
    if page_break is None:
        pdf.set_auto_page_break(False)
    else:
        pdf.set_auto_page_break(True, margin=page_break)
    pdf.add_font("Sarabun", "", sarabun_path("Regular"))
    pdf.add_font("Sarabun", "B", sarabun_path("Bold"))
    pdf.set_text_shaping(True)
    if numbered:
        pdf.alias_nb_pages()
    return pdf


def sarabun_path(weight: str = "Regular") -> str:
    import fontpkg_sarabun

    return str(fontpkg_sarabun.ROOT / "files" / f"Sarabun-{weight}.ttf")


def _wrap(pdf, text: str, width: float) -> list[str]:
    """Lines of ``text`` that fit ``width``, broken between Thai words (PyThaiNLP) or at spaces.
    Measures each word once: fpdf2's own wrapping re-shapes a cell character by character,
    far too slow for thousands of Thai cells."""
    if not text or pdf.get_string_width(text) <= width:
        return [text]
    from pythainlp.tokenize import word_tokenize

    lines, current = [], ""
    for word in word_tokenize(text, keep_whitespace=True):
        candidate = current + word
        if current and pdf.get_string_width(candidate) > width:
            lines.append(current.rstrip())
            current = word.lstrip()
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines
