"""Make ``published_reference.json``: the Hangul of each published file in ``../shared/formats/real/`` as an
independent reader sees it, saved as counts per syllable (never as text).

Run once, outside the project's environment (the readers are not project dependencies)::

    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install pyhwp six lxml pymupdf
    /tmp/refvenv/bin/python tests/data/formats/make_published_reference.py ../shared/formats/real \\
        > tests/data/formats/published_reference.json

* HWP: pyhwp's ``hwp5proc xml``, every ``Text`` outside page headers, footers and footnotes (which the
  project's reader leaves out by design).
* HWPX: every ``hp:t`` of ``Contents/section*.xml`` (lxml), outside headers, footers and footnotes.
* PDF: PyMuPDF's lines, less running headers and footers (a line in the top or bottom tenth of a page whose
  digit-blind text recurs on two or more pages, which the project's reader drops by design).

``tests/test_formats_published.py`` compares each reader's output with these counts (coverage, size).
"""

from __future__ import annotations

import collections
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

HANGUL = re.compile(r"[\uac00-\ud7a3]")
SKIP_HWP = {"Header", "Footer", "FootNote", "EndNote", "HwpSummaryInfo", "DocInfo"}
SKIP_HWPX = {"header", "footer", "footNote", "endNote"}
READERS = {
    ".hwp": "pyhwp 0.1b15 hwp5proc xml (Text outside Header/Footer/FootNote)",
    ".hwpx": "lxml: every hp:t of Contents/section*.xml outside header/footer/footNote",
    ".pdf": "PyMuPDF lines less running headers/footers (top/bottom tenth, recurring on 2+ pages)",
}


def count(texts: list[str]) -> collections.Counter:
    c: collections.Counter = collections.Counter()
    for t in texts:
        c.update(HANGUL.findall(t))
    return c


def hwp_texts(path: Path) -> list[str]:
    from lxml import etree

    hwp5proc = Path(sys.executable).with_name("hwp5proc")
    root = etree.fromstring(subprocess.run([str(hwp5proc), "xml", str(path)], capture_output=True, check=True).stdout)
    return ["".join(el.itertext()) for el in root.iter("Text")
            if not any(a.tag in SKIP_HWP for a in el.iterancestors())]


def hwpx_texts(path: Path) -> list[str]:
    from lxml import etree

    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if re.fullmatch(r"Contents/section\d+\.xml", name):
                root = etree.fromstring(z.read(name))
                out += ["".join(el.itertext()) for el in root.iter("{*}t")
                        if not any(etree.QName(a).localname in SKIP_HWPX for a in el.iterancestors())]
    return out


def pdf_texts(path: Path) -> list[str]:
    import pymupdf

    pages = []
    with pymupdf.open(path) as doc:
        for page in doc:
            height = page.rect.height
            lines = []
            for block in page.get_text("dict")["blocks"]:
                for ln in block.get("lines", []):
                    text = "".join(span["text"] for span in ln["spans"])
                    top, bottom = ln["bbox"][1], ln["bbox"][3]
                    band = bottom < 0.1 * height or top > 0.9 * height
                    lines.append((re.sub(r"\d+", "#", re.sub(r"\s+", "", text)) if band else None, text))
            pages.append(lines)
    seen = collections.Counter(k for lines in pages for k in {k for k, _ in lines} if k)
    return [t for lines in pages for k, t in lines if not (k and seen[k] >= 2)]


def main(folder: Path) -> dict:
    texts = {".hwp": hwp_texts, ".hwpx": hwpx_texts, ".pdf": pdf_texts}
    out = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in texts:
            c = count(texts[path.suffix.lower()](path))
            out[path.name] = {"reader": READERS[path.suffix.lower()], "hangul": sum(c.values()),
                              "counts": dict(sorted(c.items()))}
    return out


if __name__ == "__main__":
    json.dump(main(Path(sys.argv[1])), sys.stdout, ensure_ascii=False, separators=(",", ":"))
