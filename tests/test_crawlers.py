"""sitemap.xml, written as text, is the document ElementTree made of the same pages, byte for byte."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urljoin
from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

from publication.site.crawlers import NAMESPACE, urlset


def urlset_by_elementtree(base_url: str, pages: list[str], modified: dict[str, str]) -> bytes:
    """How the sitemap was made before: a tree, indented and serialised by ElementTree."""
    ElementTree.register_namespace("", NAMESPACE)
    root = ElementTree.Element(f"{{{NAMESPACE}}}urlset")
    for page in pages:
        url = ElementTree.SubElement(root, f"{{{NAMESPACE}}}url")
        address = quote(page)
        ElementTree.SubElement(url, f"{{{NAMESPACE}}}loc").text = urljoin(base_url, address)
        if address in modified:
            ElementTree.SubElement(url, f"{{{NAMESPACE}}}lastmod").text = modified[address]
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# file names as os.walk finds them in an output folder: no empty, "." or ".." folder, any other character
segment = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1, max_size=12
).filter(lambda name: name not in (".", ".."))
page = st.lists(segment, min_size=1, max_size=3).map("/".join)
base_url = st.builds(
    "{}://{}{}{}".format,
    st.sampled_from(["https", "http"]),
    st.sampled_from(["example.org", "example.org:8000", "xn--bcher-kva.example"]),
    st.lists(st.sampled_from(["blog", "en", "latest", "a b", "index.html", "~me"]), max_size=3).map(
        lambda parts: "".join(f"/{part}" for part in parts)
    ),
    st.sampled_from(["", "/", "/?lang=en", "#top"]),
)

# lastmod: a post's date or last change, with its offset
moment = st.builds(
    lambda when, minutes: when.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes))).isoformat(),
    st.datetimes(),
    st.integers(-23 * 60, 23 * 60),
)


@given(base_url, st.lists(page, max_size=8, unique=True), st.data())
def test_the_sitemap_is_the_document_elementtree_made(
    base: str, pages: list[str], data: st.DataObject
) -> None:
    dated = data.draw(st.lists(st.sampled_from(pages), unique=True)) if pages else []
    modified = {quote(name): data.draw(moment) for name in dated}
    written = urlset(base, sorted(pages), modified)
    assert written == urlset_by_elementtree(base, sorted(pages), modified)
    ElementTree.fromstring(written)  # and it parses
