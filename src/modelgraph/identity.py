"""Entity resolution: spellings on pages -> canonical slugs -> stable IRIs.

The rules (data/identity.toml holds their parameters; docs/identity.md documents them
and the catalogue rules built on them):

1. A slug is the spelling lower-cased, accents folded, every run of characters other than
   ``a-z0-9`` replaced by one ``-``: ``GPT-4.1 Nano`` and ``gpt-4.1-nano`` -> the same slug.
2. A model identifier that is a path keeps its last segment; the one before it names the
   vendor: ``openai/gpt-4o-mini`` -> vendor ``openai``, model ``gpt-4o-mini``.
3. A display name ``Vendor: Name`` drops the vendor prefix: ``OpenAI: GPT-4o-mini``.
4. A trailing ISO date marks a dated snapshot whose alias is the part before it:
   ``acme-swift-2025-03-04`` and ``Acme Swift (2025-03-04)`` are snapshots of
   ``acme-swift``.
5. Hosts drop generic trailing words (``OpenAI API`` is host ``openai``) and then apply
   the synonyms table; vendors drop legal-form suffixes and then apply theirs (one company
   under two names: ``Zhipu AI`` is ``z-ai``).
6. Capabilities and modalities are slugged (camelCase split first) and mapped through
   their synonyms tables.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pyoxigraph import NamedNode

from .records import ModelRef
from .vocab import ID


@cache
def rules() -> dict:
    return tomllib.loads(resources.files(__package__).joinpath("data/identity.toml").read_text())


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def _split_camel(text: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text)


@dataclass(frozen=True)
class ResolvedModel:
    """A model reference resolved: its slug, and the alias slug if it is a dated snapshot."""

    slug: str
    vendor_slug: str | None = None
    alias_slug: str | None = None  # set when this is a dated snapshot
    snapshot_date: str | None = None
    display_name: str | None = None  # the name as written, vendor prefix removed

    @property
    def iri(self) -> NamedNode:
        return model_iri(self.slug)

    @property
    def alias_iri(self) -> NamedNode | None:
        return model_iri(self.alias_slug) if self.alias_slug else None


def resolve_model(ref: ModelRef | str) -> ResolvedModel:
    """Apply rules 1-4 to a model reference."""
    if isinstance(ref, str):
        ref = ModelRef(name=ref)
    spelling = (ref.identifier or ref.name or "").strip()
    vendor = ref.vendor
    if "/" in spelling and " " not in spelling:
        *path, spelling = [part for part in spelling.split("/") if part]
        if path and vendor is None and ref.vendor_in_path:
            vendor = path[-1]
    for separator in rules()["model"]["vendor_prefix_separators"]:
        head, found, tail = spelling.partition(separator)
        if found and tail and " " not in head.strip():
            vendor = vendor or head.strip()
            spelling = tail.strip()
    vendor_slug = resolve_vendor(vendor) if vendor else None
    display = spelling if ref.name and not ref.identifier else None
    for pattern in rules()["model"]["snapshot_suffix_patterns"]:
        match = re.match(pattern, spelling)
        if match:
            date = match.group("date")
            if len(date) == 8:
                date = f"{date[:4]}-{date[4:6]}-{date[6:]}"
            alias = slugify(match.group("alias"))
            return ResolvedModel(
                slug=f"{alias}-{date}", vendor_slug=vendor_slug, alias_slug=alias,
                snapshot_date=date, display_name=display,
            )
    return ResolvedModel(slug=slugify(spelling), vendor_slug=vendor_slug, display_name=display)


def _drop_suffixes(name: str, suffixes: list[str]) -> str:
    for suffix in suffixes:
        if name.lower().endswith(suffix.lower()) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _wrapped_pattern(host_id: str) -> str | None:
    """The pattern of [host.wrapped_model_ids] for a catalogue provider id: its own, else that
    of the provider whose id it extends by a hyphenated word (``google-vertex-anthropic``, the
    Anthropic models on Vertex, wraps ids as ``google-vertex`` does)."""
    patterns = rules()["host"].get("wrapped_model_ids", {})
    if host_id in patterns:
        return patterns[host_id]
    extended = [key for key in patterns if host_id.startswith(key + "-")]
    return patterns[max(extended, key=len)] if extended else None


def unwrap_model_id(host_id: str, model_id: str) -> str | None:
    """The vendor's own id ("vendor/id" or "id", a snapshot date appended) inside a model id
    that the host `host_id` wraps in its own, or None (see [host.wrapped_model_ids])."""
    pattern = _wrapped_pattern(host_id)
    match = re.fullmatch(pattern, model_id) if pattern else None
    if match is None:
        return None
    parts = match.groupdict()
    identifier = parts["id"] + (f"-{parts['date']}" if parts.get("date") else "")
    return f"{parts['vendor']}/{identifier}" if parts.get("vendor") else identifier


def resolve_vendor(name: str) -> str:
    slug = slugify(_drop_suffixes(name.strip(), rules()["vendor"]["drop_suffixes"]))
    return rules()["vendor"].get("synonyms", {}).get(slug, slug)


def resolve_host(name: str) -> str:
    slug = slugify(_drop_suffixes(name.strip(), rules()["host"]["drop_suffixes"]))
    return rules()["host"]["synonyms"].get(slug, slug)


def resolve_capability(name: str) -> str:
    slug = slugify(_split_camel(name.strip()))
    return rules()["capability"]["synonyms"].get(slug, slug)


def resolve_status(name: str) -> str:
    slug = slugify(name.strip())
    return rules()["status"]["synonyms"].get(slug, slug)


def resolve_modality(name: str) -> str:
    slug = slugify(name.strip())
    slug = re.sub(r"-(input|output)$", "", slug)
    return rules()["modality"]["synonyms"].get(slug, slug)


_ACRONYM_WORD = re.compile(r"^[A-Z][A-Za-z]*(?:-[A-Za-z]+)*$")


def resolve_benchmark(name: str) -> str:
    """Benchmarks named in full collapse to their acronym when every word is capitalised
    and there are at least three: "Massive Multitask Language Understanding" -> mmlu."""
    words = name.split()
    if len(words) >= 3 and all(_ACRONYM_WORD.match(word) for word in words):
        return "".join(word[0] for word in words).lower()
    return slugify(name)


def resolve_family(name: str) -> str:
    return slugify(name)


def model_iri(slug: str) -> NamedNode:
    return NamedNode(f"{ID}model/{slug}")


def vendor_iri(slug: str) -> NamedNode:
    return NamedNode(f"{ID}vendor/{slug}")


def host_iri(slug: str) -> NamedNode:
    return NamedNode(f"{ID}host/{slug}")


def family_iri(slug: str) -> NamedNode:
    return NamedNode(f"{ID}family/{slug}")


def offer_iri(host_slug: str, model_slug: str, variant: str | None = None) -> NamedNode:
    suffix = f"/{slugify(variant)}" if variant else ""
    return NamedNode(f"{ID}offer/{host_slug}/{model_slug}{suffix}")


def benchmark_iri(slug: str) -> NamedNode:
    return NamedNode(f"{ID}benchmark/{slug}")


def result_iri(model_slug: str, benchmark_slug: str) -> NamedNode:
    return NamedNode(f"{ID}result/{model_slug}/{benchmark_slug}")


def modality_iri(slug: str) -> NamedNode:
    return NamedNode(f"{ID}modality/{slug}")


def capability_iri(slug: str) -> NamedNode:
    return NamedNode(f"{ID}capability/{slug}")


def status_iri(slug: str) -> NamedNode:
    return NamedNode(f"{ID}status/{slug}")


def event_iri(model_slug: str, event_slug: str, date: str | None) -> NamedNode:
    return NamedNode(f"{ID}event/{model_slug}/{event_slug}" + (f"-{date}" if date else ""))


def assessment_iri(source_id: str, model_slug: str, metric_slug: str) -> NamedNode:
    return NamedNode(f"{ID}assessment/{source_id}/{model_slug}/{metric_slug}")
