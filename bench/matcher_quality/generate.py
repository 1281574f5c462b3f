"""Generate the labelled matcher-quality data set (issue 5, point 3).

    .venv/bin/python bench/matcher_quality/generate.py --out bench/out/matcher_quality/data

Writes into ``--out``:

- ``leads.csv``: the lead database (``leadpecker leads import``): people across companies, written
  with the noise real vendor files have (LinkedIn URLs and websites in many forms, accents);
- ``prospects.csv``: the account's prospects (``leadpecker prospects import``): the email and
  whatever fields each prospect already has;
- ``queue.jsonl``: one enrichment request entry per prospect (email + hints), in the body shape
  of ``POST /rest/v2/lead_finder/prospects/enrichments``;
- ``truth.jsonl``: per prospect its category, the lead a correct matcher picks (or null), the
  noise applied, and every enrichable field before and after a correct fill-empty enrichment;
- ``manifest.json``: the parameters and the counts.

Seeded and repeatable: the same arguments (and the same Faker version) give byte-identical files.
Ground truth does not come from the product's code: names and companies are made unique under a
folding at least as aggressive as any sensible matcher's, so every collision is a deliberate one.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import string
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faker import Faker

from leadpecker.leads.schemas import LEAD_FILE_COLUMNS

CATEGORIES: dict[str, tuple[int, bool | None, str]] = {
    # name: (default size, should match?, meaning) — None: some sub-cases should, some not
    "exact_email": (400, True, "the prospect's email is the lead's email"),
    "linkedin_variant": (
        300,
        True,
        "another email (free-mail or another employer); the lead's LinkedIn URL written differently",
    ),
    "name_domain_website": (
        300,
        True,
        "another email; first + last name with the company website written differently",
    ),
    "name_domain_email": (
        300,
        True,
        "another address at the lead's company domain (j.doe@ vs jane.doe@); first + last name",
    ),
    "name_company": (
        300,
        True,
        "free-mail email; first + last name (case/accents differ) with the company name (legal form "
        "added or dropped, case)",
    ),
    "decoy_other_company": (
        300,
        False,
        "a lead with the same name exists only at another company; the prospect's company differs",
    ),
    "same_name_same_company": (
        250,
        False,
        "two leads with the same name at one company; the prospect gives only name + company",
    ),
    "free_mail_only": (
        300,
        None,
        "free-mail email + name, no company: matches only when the email itself is a lead's",
    ),
    "partially_filled": (
        300,
        True,
        "fields already set with values other than the lead's stay; only empty fields are filled",
    ),
    "unknown_person_known_company": (
        300,
        False,
        "a person not in the lead database at a company that is (often sharing a colleague's name part)",
    ),
    "namesake_under_shared_suffix": (
        300,
        False,
        "a lead with the same name works at another company under the same multi-label or private "
        "suffix (othercorp.co.th vs acme.co.th, x.github.io vs y.github.io)",
    ),
    "rare_suffix_same_company": (
        200,
        True,
        "first + last name with the website or an address of the lead's company under a rare "
        "multi-label or private suffix; often a namesake at another company under that suffix",
    ),
}

LEAD_COLUMNS = LEAD_FILE_COLUMNS
# Lead column → the prospect field it fills (the prospect fields enrichment may write).
LEAD_TO_PROSPECT = {
    "first_name": "first_name",
    "last_name": "last_name",
    "linkedin_url": "linkedin_url",
    "title": "title",
    "phone": "phone",
    "company_name": "company",
    "company_website": "website",
    "industry": "industry",
    "address": "address",
    "city": "city",
    "state": "state",
    "country": "country",
}
PROSPECT_FIELDS = tuple(LEAD_TO_PROSPECT.values())
PROSPECT_COLUMNS = ("email", *PROSPECT_FIELDS)
HINT_FIELDS = ("first_name", "last_name", "linkedin_url", "company_name", "company_website")
# Prospect fields that say nothing about who the person is: partially_filled sets them to other values.
DESCRIPTIVE_FIELDS = ("title", "phone", "industry", "address", "city", "state", "country")

# locale: (country, top-level domains its companies use, weight)
LOCALES: dict[str, tuple[str, tuple[str, ...], int]] = {
    "en_US": ("United States", (".com", ".com", ".com", ".io", ".net", ".co"), 30),
    "en_GB": ("United Kingdom", (".co.uk", ".co.uk", ".com"), 12),
    "de_DE": ("Germany", (".de", ".de", ".com"), 10),
    "fr_FR": ("France", (".fr", ".com"), 7),
    "es_ES": ("Spain", (".es", ".com"), 6),
    "it_IT": ("Italy", (".it",), 5),
    "nl_NL": ("Netherlands", (".nl",), 4),
    "pt_BR": ("Brazil", (".com.br",), 5),
    "pl_PL": ("Poland", (".pl", ".com.pl"), 4),
    "cs_CZ": ("Czechia", (".cz",), 3),
    "sv_SE": ("Sweden", (".se",), 3),
    "da_DK": ("Denmark", (".dk",), 2),
    "tr_TR": ("Turkey", (".com.tr",), 2),
    "en_AU": ("Australia", (".com.au",), 5),
    "en_NZ": ("New Zealand", (".co.nz",), 2),
}
LEGAL_SUFFIX_FOR_LOCALE = {
    "en_GB": "Ltd",
    "de_DE": "GmbH",
    "fr_FR": "SAS",
    "es_ES": "S.L.",
    "en_AU": "Pty Ltd",
}
# Suffixes several companies share (each company registering its own name under it), for the
# two *_suffix categories: multi-label ICANN suffixes — most of them missing from the first
# matcher's hand-written list, which turned acme.co.th and othercorp.co.th into one "co.th" — and
# PRIVATE suffixes of hosting platforms, under which a company's site is one user's sub-site.
# suffix: (country, locale of the names, private?)
SHARED_SUFFIXES: dict[str, tuple[str, str, bool]] = {
    ".co.th": ("Thailand", "en_GB", False),
    ".in.th": ("Thailand", "en_GB", False),
    ".co.at": ("Austria", "de_DE", False),
    ".or.at": ("Austria", "de_DE", False),
    ".org.br": ("Brazil", "pt_BR", False),
    ".net.br": ("Brazil", "pt_BR", False),
    ".com.tr": ("Turkey", "tr_TR", False),
    ".ac.uk": ("United Kingdom", "en_GB", False),
    ".vic.gov.au": ("Australia", "en_AU", False),
    ".github.io": ("United States", "en_US", True),
    ".blogspot.com": ("United States", "en_US", True),
    ".herokuapp.com": ("United States", "en_US", True),
}
COMPANIES_PER_SUFFIX = 6
# Free-mail providers, weighted; the last few are real free-mail domains that lists often miss.
FREE_MAIL = (
    ("gmail.com", 45),
    ("yahoo.com", 8),
    ("hotmail.com", 7),
    ("outlook.com", 7),
    ("icloud.com", 5),
    ("gmx.de", 3),
    ("web.de", 3),
    ("orange.fr", 2),
    ("libero.it", 2),
    ("wp.pl", 2),
    ("yahoo.co.uk", 2),
    ("hotmail.co.uk", 2),
    ("protonmail.com", 2),
    ("aol.com", 2),
    ("t-online.de", 2),
    ("seznam.cz", 2),
    ("comcast.net", 2),
    ("btinternet.com", 2),
)
INDUSTRIES = (
    "Software",
    "IT Services",
    "Financial Services",
    "Banking",
    "Insurance",
    "Healthcare",
    "Pharmaceuticals",
    "Biotechnology",
    "Retail",
    "E-commerce",
    "Manufacturing",
    "Automotive",
    "Logistics",
    "Construction",
    "Real Estate",
    "Education",
    "Media",
    "Marketing and Advertising",
    "Telecommunications",
    "Energy",
    "Consulting",
    "Legal Services",
    "Hospitality",
    "Food and Beverage",
    "Agriculture",
    "Aerospace",
    "Non-profit",
    "Government",
    "Gaming",
    "Cybersecurity",
)
# Words a company name may carry that say nothing about which company it is: legal forms (the
# dots and slashes removed: "S.A.R.L." → "sarl", "A/S" → "as") and connectors.
LEGAL_WORDS = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "llp",
        "lp",
        "ltd",
        "limited",
        "plc",
        "corp",
        "corporation",
        "company",
        "co",
        "pty",
        "pvt",
        "gmbh",
        "gbr",
        "kg",
        "kgaa",
        "ag",
        "ug",
        "ev",
        "eg",
        "sa",
        "sas",
        "sarl",
        "sasu",
        "sca",
        "scs",
        "sl",
        "slu",
        "sll",
        "slne",
        "scom",
        "srl",
        "spa",
        "snc",
        "sc",
        "sp",
        "spk",
        "sj",
        "zoo",
        "z",
        "oo",
        "sro",
        "ks",
        "vos",
        "os",
        "as",
        "aps",
        "ab",
        "hb",
        "oy",
        "oyj",
        "bv",
        "nv",
        "cv",
        "vof",
        "me",
        "ei",
        "eireli",
        "ltda",
        "sti",
        "san",
        "tic",
        "scoop",
        "scp",
        "sat",
        "sau",
        "sad",
        "ohg",
        "mbh",
        "spj",
    ]
)
CONNECTOR_WORDS = frozenset(
    ["and", "und", "et", "y", "e", "i", "og", "en", "the", "group", "holding", "holdings"]
)
_UNDECOMPOSABLE = str.maketrans(
    {
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
        "İ": "I",
        "ß": "ss",
    }
)


def ascii_fold(text: str) -> str:
    """Accents removed, case kept: "José Müller" → "Jose Muller", "Søren" → "Soren"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    return ascii_fold(text).casefold()


def alnum(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isascii() and ch.isalnum())


def person_key(first: str, last: str) -> str:
    """Two names a matcher could confuse have the same key (case, accents, spaces, hyphens and
    punctuation do not count), so unique keys mean unique people."""
    return alnum(f"{first}{last}")


def legal_split(name: str) -> tuple[str, str]:
    """ "Costa S.A.R.L." → ("Costa", "S.A.R.L."); "Trupp GmbH & Co. KGaA" → ("Trupp", "GmbH & Co.
    KGaA"); ("Acme", "") without a legal form. Only trailing words count."""
    words = name.split()
    cut = len(words)
    while cut > 1:
        token = alnum(words[cut - 1])
        if token in LEGAL_WORDS or token == "":
            cut -= 1
            continue
        break
    base = " ".join(words[:cut]).rstrip(" ,-&")
    suffix = " ".join(words[cut:])
    if not base or not suffix or not any(alnum(word) in LEGAL_WORDS for word in words[cut:]):
        return name, ""
    return base, suffix


def company_identity(name: str) -> str:
    """Two company names a matcher could take for one company have the same identity."""
    words = [alnum(word) for word in name.replace("&", " ").replace("/", "").replace(".", "").split()]
    kept = [word for word in words if word and word not in LEGAL_WORDS and word not in CONNECTOR_WORDS]
    return "".join(kept) or "".join(words)


@dataclass
class Company:
    name: str
    domain: str  # registrable domain, lower case: acme.co.uk
    locale: str
    industry: str
    address: str
    city: str
    state: str
    country: str
    in_database: bool = True
    hosted: bool = False  # its website is under a private suffix; its people write from free-mail


@dataclass
class Lead:
    first_name: str
    last_name: str
    company: Company
    locale: str
    email: str = ""
    linkedin_url: str = ""
    slug: str = ""
    title: str = ""
    phone: str = ""
    company_name: str = ""
    company_website: str = ""
    industry: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    country: str = ""

    def row(self) -> dict[str, str]:
        return {column: getattr(self, column) for column in LEAD_COLUMNS}

    def offered(self) -> dict[str, str]:
        """The prospect fields this lead can fill, in the prospect's names."""
        return {field: getattr(self, column) for column, field in LEAD_TO_PROSPECT.items()}

    @property
    def ref(self) -> str:
        """How the truth names this lead: its email, or its LinkedIn URL when it has none."""
        return self.email or self.linkedin_url


@dataclass
class Case:
    """One prospect of the account and what a correct enrichment does to it."""

    category: str
    subcase: str
    email: str
    lead: Lead | None  # the lead a correct matcher picks
    stored: dict[str, str] = field(default_factory=dict)  # prospect fields already set
    hints: dict[str, str] = field(default_factory=dict)
    queue_email: str = ""
    noise: list[str] = field(default_factory=list)
    person_in_database: bool = False  # the person is a lead even though nothing may match


class Pools:
    """Values drawn once from Faker per locale (Faker per row would be slow)."""

    def __init__(self, seed: int) -> None:
        self.first: dict[str, list[str]] = {}
        self.last: dict[str, list[str]] = {}
        self.companies: dict[str, list[str]] = {}
        self.cities: dict[str, list[str]] = {}
        self.streets: dict[str, list[str]] = {}
        self.states: dict[str, list[str]] = {}
        self.phones: dict[str, list[str]] = {}
        for index, locale in enumerate(LOCALES):
            fake = Faker(locale)
            fake.seed_instance(seed * 1009 + index)
            _sort_lists_built_from_sets(fake)
            self.first[locale] = _unique(fake.first_name, 600)
            self.last[locale] = _unique(fake.last_name, 900)
            self.companies[locale] = _unique(fake.company, 900)
            self.cities[locale] = _unique(fake.city, 150)
            self.streets[locale] = _unique(
                lambda fake=fake: " ".join(fake.street_address().replace("\n", ", ").split()), 300
            )
            unit = getattr(fake, "administrative_unit", None)
            self.states[locale] = _unique(unit, 60) if unit else [""]
            self.phones[locale] = _unique(fake.phone_number, 400)
        fake = Faker("en_US")
        fake.seed_instance(seed * 1009 + 999)
        self.jobs = _unique(fake.job, 1500)


def _sort_lists_built_from_sets(fake: Faker) -> None:
    """Faker builds it_IT's list of cities from a set, so its order — and so the cities a seed
    draws — changes with every interpreter's hash seed; sorted, one seed gives the same files
    in every process."""
    for provider in fake.get_providers():
        cities = getattr(provider, "cities", None)
        if isinstance(cities, list):
            provider.cities = sorted(cities)


def _unique(draw: Any, count: int) -> list[str]:
    """``count`` draws, duplicates and empty values left out, in first-drawn order."""
    return list(dict.fromkeys(value for value in (draw() for _ in range(count)) if value))


class Generator:
    def __init__(self, seed: int, leads: int, companies: int, sizes: dict[str, int]) -> None:
        self.rng = random.Random(seed)
        self.pools = Pools(seed)
        self.target_leads = leads
        self.company_count = companies
        self.sizes = sizes
        self.names: set[str] = set()  # person keys in use (leads and prospects)
        self.company_ids: set[str] = set()
        self.domains: set[str] = set()
        self.emails: set[str] = set()  # every email in use: leads' and prospects'
        self.slugs: set[str] = set()
        self.leads: list[Lead] = []
        self.cases: list[Case] = []
        locales = list(LOCALES)
        self.locale_weights = [LOCALES[locale][2] for locale in locales]
        self.locales = locales
        self.companies = [self.new_company() for _ in range(companies)]
        # A few big companies, many small ones.
        self.company_weights = [1 / (rank + 3) ** 0.7 for rank in range(companies)]
        self.outside = [self.new_company(in_database=False) for _ in range(max(50, companies // 4))]
        # Companies under shared suffixes, only for the *_suffix categories (other categories
        # would give hosted companies corporate addresses they do not have).
        self.under_suffix = {
            suffix: [self.new_company(under=suffix) for _ in range(COMPANIES_PER_SUFFIX)]
            for suffix in SHARED_SUFFIXES
        }

    # ----- building blocks -------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def locale(self) -> str:
        return self.rng.choices(self.locales, self.locale_weights)[0]

    def new_company(self, in_database: bool = True, under: str = "") -> Company:
        """A company of a random locale, or one whose domain is under the SHARED_SUFFIXES
        entry ``under``."""
        country, name_locale, hosted = SHARED_SUFFIXES[under] if under else ("", "", False)
        for _ in range(1000):
            locale = name_locale or self.locale()
            name = self.rng.choice(self.pools.companies[locale])
            identity = company_identity(name)
            if len(identity) >= 3 and identity not in self.company_ids:
                break
        else:
            raise SystemExit("ran out of company names: use fewer companies")
        self.company_ids.add(identity)
        domain = self.new_domain(name, locale, under)
        country = country or LOCALES[locale][0]
        return Company(
            name=name,
            domain=domain,
            locale=locale,
            industry=self.rng.choice(INDUSTRIES),
            address=self.rng.choice(self.pools.streets[locale]),
            city=self.rng.choice(self.pools.cities[locale]),
            state=self.rng.choice(self.pools.states[locale]),
            country=country,
            in_database=in_database,
            hosted=hosted,
        )

    def new_domain(self, name: str, locale: str, suffix: str = "") -> str:
        base, _ = legal_split(name)
        words = [alnum(word) for word in base.replace("-", " ").replace(",", " ").split()]
        words = [word for word in words if word and word not in CONNECTOR_WORDS] or ["company"]
        tld = suffix or self.rng.choice(LOCALES[locale][1])
        candidates = [words[0], "".join(words[:2]), "-".join(words[:2]), "".join(words)]
        candidates += [f"{words[0]}{extra}" for extra in ("group", "hq", "global", "labs", "co")]
        for label in candidates:
            domain = f"{label}{tld}"
            if len(label) >= 3 and domain not in self.domains:
                self.domains.add(domain)
                return domain
        while True:
            domain = f"{words[0]}{self.rng.randint(2, 999)}{tld}"
            if domain not in self.domains:
                self.domains.add(domain)
                return domain

    def random_company(self, exclude: Company | None = None) -> Company:
        while True:
            company = self.rng.choices(self.companies, self.company_weights)[0]
            if company is not exclude:
                return company

    def new_name(self, locale: str, *, first: str | None = None, last: str | None = None) -> tuple[str, str]:
        """A person name nobody else has (keeping ``first`` or ``last`` when given)."""
        for attempt in range(10_000):
            pool = locale if attempt < 200 else self.locale()
            given = first or self.rng.choice(self.pools.first[pool])
            family = last or self.rng.choice(self.pools.last[pool])
            key = person_key(given, family)
            if key and key not in self.names and len(alnum(given)) >= 2 and len(alnum(family)) >= 2:
                self.names.add(key)
                return given, family
        raise SystemExit("ran out of unique names")

    def local_parts(self, first: str, last: str) -> list[str]:
        f, ln = alnum(first), alnum(last)
        return [f"{f}.{ln}", f"{f[0]}{ln}", f, f"{f}{ln[0]}", f"{f}_{ln}", f"{ln}.{f}", f"{f[0]}.{ln}"]

    def corporate_email(self, first: str, last: str, domain: str, avoid: str = "") -> str:
        parts = self.local_parts(first, last)
        order = [0] * 10 + [1] * 3 + [6] * 2 + [2, 3, 4, 5]
        preferred = parts[self.rng.choice(order)]
        for local in [preferred, *parts]:
            email = f"{local}@{domain}"
            if email not in self.emails and local != avoid:
                self.emails.add(email)
                return email
        for number in range(2, 10_000):
            email = f"{parts[0]}{number}@{domain}"
            if email not in self.emails:
                self.emails.add(email)
                return email
        raise AssertionError("unreachable")

    def free_mail(self, first: str, last: str) -> str:
        domains, weights = zip(*FREE_MAIL, strict=True)
        f, ln = alnum(first), alnum(last)
        while True:
            local = self.rng.choice([f"{f}.{ln}", f"{f}{ln}", f"{f[0]}{ln}", f"{ln}.{f}", f"{f}_{ln}"])
            if self.chance(0.6):
                local += str(self.rng.choice([self.rng.randint(1, 99), self.rng.randint(1960, 2004)]))
            email = f"{local}@{self.rng.choices(domains, weights)[0]}"
            if email not in self.emails:
                self.emails.add(email)
                return email

    def new_slug(self, first: str, last: str) -> str:
        base = "-".join(alnum(part) for part in f"{first} {last}".replace("-", " ").split() if alnum(part))
        while True:
            if self.chance(0.25) and base not in self.slugs:
                slug = base
            else:
                alphabet = string.ascii_lowercase + string.digits
                slug = f"{base}-{''.join(self.rng.choice(alphabet) for _ in range(self.rng.choice((6, 8))))}"
            if slug not in self.slugs:
                self.slugs.add(slug)
                return slug

    def linkedin_form(self, slug: str, canonical: bool = False, differ_from: str = "") -> tuple[str, str]:
        """The profile URL of ``slug`` as written somewhere, and a noise tag for it."""
        if canonical:
            return f"https://www.linkedin.com/in/{slug}", "linkedin:canonical"
        for _ in range(100):
            tags = []
            scheme = self.rng.choice(["https://", "https://", "http://", ""])
            host = self.rng.choice(
                [
                    *("www.linkedin.com", "www.linkedin.com", "linkedin.com", "uk.linkedin.com"),
                    *("de.linkedin.com", "fr.linkedin.com", "br.linkedin.com", "au.linkedin.com"),
                    "WWW.LinkedIn.com",
                ]
            )
            if not scheme:
                tags.append("no_scheme")
            if host.split(".")[0] in ("uk", "de", "fr", "br", "au"):
                tags.append("country_subdomain")
            elif not host.lower().startswith("www."):
                tags.append("no_www")
            path_slug = self.rng.choice(
                [slug, slug, slug.title(), slug.upper(), slug.capitalize(), slug.replace("-", "-", 1)]
            )
            if path_slug != slug or host != host.lower():
                tags.append("case")
            tail = self.rng.choice(["", "", "/", "/"])
            if tail:
                tags.append("trailing_slash")
            query = self.rng.choice(
                [
                    "",
                    "",
                    "",
                    "?trk=public_profile_browsemap",
                    "?originalSubdomain=uk",
                    "?trk=nav_responsive_tab",
                ]
            )
            if query:
                tags.append("query")
            url = f"{scheme}{host}/in/{path_slug}{tail}{query}"
            if url != differ_from:
                return url, "linkedin:" + ("+".join(tags) or "canonical")
        raise AssertionError("unreachable")

    def website_form(self, domain: str, differ_from: str = "") -> tuple[str, str]:
        """The company's website as written somewhere, and a noise tag for it."""
        upper = domain.upper()
        capital = domain[0].upper() + domain[1:]
        forms = [
            (f"https://www.{domain}/", "https_www_slash"),
            (f"https://www.{domain}", "https_www"),
            (f"https://{domain}", "https"),
            (domain, "bare"),
            (f"www.{domain}", "www"),
            (f"http://{capital}/about", "http_case_path"),
            (f"http://www.{domain}/contact-us", "http_www_path"),
            (f"HTTPS://WWW.{upper}/", "upper"),
            (f"https://{domain}/en/", "https_path"),
        ]
        weights = [5, 3, 3, 3, 2, 2, 1, 1, 1]
        for _ in range(100):
            url, tag = self.rng.choices(forms, weights)[0]
            if url != differ_from:
                return url, f"website:{tag}"
        raise AssertionError("unreachable")

    def name_variant(self, first: str, last: str) -> tuple[str, str, str]:
        """The name as a prospect or client writes it: case and accents may differ."""
        has_accents = ascii_fold(first + last) != first + last
        choices = ["as_is", "lower", "upper", "title"] + (
            ["ascii", "ascii_lower", "ascii_lower"] if has_accents else []
        )
        kind = self.rng.choice(choices)
        if kind == "as_is":
            return first, last, "name:as_is"
        transform = {
            "lower": str.lower,
            "upper": str.upper,
            "title": lambda text: ascii_fold(text).title() if has_accents else text.title(),
            "ascii": ascii_fold,
            "ascii_lower": lambda text: ascii_fold(text).lower(),
        }[kind]
        return transform(first), transform(last), f"name:{kind}"

    def company_variant(self, name: str, locale: str) -> tuple[str, str]:
        """The company name as a prospect or client writes it: legal form added or dropped, case,
        accents. Never the identical string."""
        base, suffix = legal_split(name)
        options: list[tuple[str, str]] = []
        if suffix:
            dotted = any(ch in suffix for ch in "./")
            options += [(base, "company:drop_legal_dotted" if dotted else "company:drop_legal")] * 3
            options += [(base.upper(), "company:drop_legal_upper"), (name.lower(), "company:lower")]
        else:
            added = LEGAL_SUFFIX_FOR_LOCALE.get(locale, "Inc.")
            options += [(f"{name} {added}", "company:add_legal")] * 2
            options += [(f"{name}, Inc.", "company:add_legal_comma"), (name.lower(), "company:lower")]
            options += [(name.upper(), "company:upper")]
        if ascii_fold(name) != name:
            options.append(
                (ascii_fold(base), "company:ascii_drop_legal")
                if suffix
                else (ascii_fold(name), "company:ascii")
            )
        options = [(text, tag) for text, tag in options if text != name]
        return self.rng.choice(options)

    def queue_email(self, email: str) -> tuple[str, list[str]]:
        roll = self.rng.random()
        if roll < 0.08:
            return email.upper() if self.chance(0.3) else email.capitalize(), ["email:case"]
        if roll < 0.11:
            return f" {email} ", ["email:spaces"]
        return email, []

    # ----- leads -----------------------------------------------------------------------------

    def new_lead(
        self,
        company: Company,
        *,
        name: tuple[str, str] | None = None,
        email: str = "corporate",  # corporate | free | none
        linkedin: bool | None = None,
        website: bool | None = None,
        complete: bool = False,
    ) -> Lead:
        locale = company.locale if self.chance(0.7) else self.locale()
        first, last = name or self.new_name(locale)
        lead = Lead(first_name=first, last_name=last, company=company, locale=locale)
        if email == "corporate" and company.hosted:
            email = "free"  # nobody has an address at acme.github.io
        if email == "corporate":
            lead.email = self.corporate_email(first, last, company.domain)
        elif email == "free":
            lead.email = self.free_mail(first, last)
        if linkedin is None:
            linkedin = not lead.email or self.chance(0.92)
        if linkedin:
            lead.slug = self.new_slug(first, last)
            lead.linkedin_url, _ = self.linkedin_form(lead.slug, canonical=self.chance(0.55))
        lead.company_name = company.name
        if website is None:
            website = self.chance(0.95)
        if website:
            lead.company_website, _ = self.website_form(company.domain)

        def maybe(p_missing: float, value: str) -> str:
            return "" if not complete and self.chance(p_missing) else value

        lead.title = maybe(0.04, self.rng.choice(self.pools.jobs))
        lead.phone = maybe(0.12, self.rng.choice(self.pools.phones[locale]))
        lead.industry = maybe(0.06, company.industry)
        at_office = self.chance(0.8)
        where = company.locale if at_office else locale
        lead.address = maybe(
            0.1, company.address if at_office else self.rng.choice(self.pools.streets[where])
        )
        lead.city = maybe(0.03, company.city if at_office else self.rng.choice(self.pools.cities[where]))
        lead.state = maybe(0.1, company.state if at_office else self.rng.choice(self.pools.states[where]))
        lead.country = maybe(0.02, company.country if at_office else LOCALES[where][0])
        self.leads.append(lead)
        return lead

    def namesake(self, lead: Lead) -> Lead:
        """Another lead with ``lead``'s name, at another company (written the same, or without accents)."""
        first, last = lead.first_name, lead.last_name
        if self.chance(0.3):
            first, last = ascii_fold(first), ascii_fold(last)
        return self.new_lead(self.random_company(exclude=lead.company), name=(first, last))

    # ----- the categories --------------------------------------------------------------------

    def add(self, case: Case) -> None:
        case.email = case.email.lower()
        queued, tags = self.queue_email(case.email)
        case.queue_email = queued
        case.noise += tags
        if self.chance(0.05):  # clients send empty hints too
            case.hints.setdefault(self.rng.choice(HINT_FIELDS), "")
        self.cases.append(case)

    def name_signal(self, case: Case, first: str, last: str, stored_share: float) -> None:
        """The person's name, as a hint or stored on the prospect, with case/accent noise."""
        vfirst, vlast, tag = self.name_variant(first, last)
        case.noise.append(tag)
        if self.chance(stored_share):
            case.stored.update(first_name=vfirst, last_name=vlast)
            case.noise.append("name:stored")
        else:
            case.hints.update(first_name=vfirst, last_name=vlast)

    def company_name_signal(self, case: Case, company: Company, stored_share: float) -> None:
        text, tag = self.company_variant(company.name, company.locale)
        case.noise.append(tag)
        if self.chance(stored_share):
            case.stored["company"] = text
            case.noise.append("company:stored")
        else:
            case.hints["company_name"] = text

    def website_signal(self, case: Case, company: Company, lead_form: str, stored_share: float) -> None:
        url, tag = self.website_form(company.domain, differ_from=lead_form)
        case.noise.append(tag)
        if self.chance(stored_share):
            case.stored["website"] = url
            case.noise.append("website:stored")
        else:
            case.hints["company_website"] = url

    def other_email(self, first: str, last: str, free_share: float) -> tuple[str, str]:
        """An address that is not the lead's: free-mail, or at a company outside the database."""
        if self.chance(free_share):
            email = self.free_mail(first, last)
            return email, "email:free:" + email.rsplit("@", 1)[1]
        company = self.rng.choice(self.outside)
        return self.corporate_email(first, last, company.domain), "email:other_company"

    def corporate_or_free_mail(
        self, first: str, last: str, company: Company, corporate_share: float
    ) -> tuple[str, str]:
        """An address at ``company`` (``corporate_share`` of the time) or else a free-mail one, and
        its noise tag."""
        if corporate_share and self.chance(corporate_share):
            return self.corporate_email(first, last, company.domain), "email:corporate"
        email = self.free_mail(first, last)
        return email, "email:free:" + email.split("@")[1]

    def exact_email(self) -> None:
        lead = self.new_lead(self.random_company())
        case = Case("exact_email", "email", lead.email, lead)
        if self.chance(0.25):
            case.stored.update(first_name=lead.first_name, last_name=lead.last_name)
            case.noise.append("name:stored_same")
        if self.chance(0.1):
            self.namesake_at_same_company(case, lead)
        elif self.chance(0.5):
            self.name_signal(case, lead.first_name, lead.last_name, 0.0)
            if self.chance(0.5):
                self.company_name_signal(case, lead.company, 0.0)
        self.add(case)

    def namesake_at_same_company(self, case: Case, lead: Lead) -> None:
        """A colleague with the same name: the strong signal (email, LinkedIn) still says which of
        the two the prospect is, so the name + company hints must not make the match ambiguous."""
        self.new_lead(lead.company, name=(lead.first_name, lead.last_name), linkedin=True)
        case.noise.append("namesake_same_company")
        self.name_signal(case, lead.first_name, lead.last_name, 0.3)
        self.company_name_signal(case, lead.company, 0.3)
        if self.chance(0.5):
            self.website_signal(case, lead.company, lead.company_website, 0.3)

    def linkedin_variant(self) -> None:
        lead = self.new_lead(
            self.random_company(), email="none" if self.chance(0.1) else "corporate", linkedin=True
        )
        email, tag = self.other_email(lead.first_name, lead.last_name, 0.75)
        case = Case("linkedin_variant", "linkedin", email, lead, noise=[tag])
        if not lead.email:
            case.noise.append("lead:no_email")
        url, url_tag = self.linkedin_form(lead.slug, differ_from=lead.linkedin_url)
        case.noise.append(url_tag)
        if self.chance(0.2):
            case.stored["linkedin_url"] = url
            case.noise.append("linkedin:stored")
        else:
            case.hints["linkedin_url"] = url
        if self.chance(0.2):
            self.namesake_at_same_company(case, lead)
        elif self.chance(0.5):
            self.name_signal(case, lead.first_name, lead.last_name, 0.3)
        self.add(case)

    def with_namesake(self, case: Case, lead: Lead) -> None:
        if self.chance(0.25):
            self.namesake(lead)
            case.noise.append("namesake_elsewhere")

    def name_domain_website(self) -> None:
        lead = self.new_lead(self.random_company(), website=True)
        email, tag = self.other_email(lead.first_name, lead.last_name, 0.8)
        case = Case("name_domain_website", "name+website", email, lead, noise=[tag])
        self.name_signal(case, lead.first_name, lead.last_name, 0.3)
        self.website_signal(case, lead.company, lead.company_website, 0.25)
        self.with_namesake(case, lead)
        self.add(case)

    def name_domain_email(self) -> None:
        lead = self.new_lead(self.random_company())
        domain = lead.company.domain
        tags = ["email:same_domain"]
        if self.chance(0.1):
            domain = f"{self.rng.choice(['eu', 'us', 'uk', 'mail', 'corp'])}.{domain}"
            tags = ["email:company_subdomain"]
        avoid = lead.email.split("@")[0]
        email = self.corporate_email(lead.first_name, lead.last_name, domain, avoid=avoid)
        case = Case("name_domain_email", "name+email_domain", email, lead, noise=tags)
        self.name_signal(case, lead.first_name, lead.last_name, 0.4)
        self.with_namesake(case, lead)
        self.add(case)

    def name_company(self) -> None:
        lead = self.new_lead(self.random_company())
        email = self.free_mail(lead.first_name, lead.last_name)
        case = Case("name_company", "name+company", email, lead, noise=["email:free:" + email.split("@")[1]])
        self.name_signal(case, lead.first_name, lead.last_name, 0.3)
        self.company_name_signal(case, lead.company, 0.3)
        self.with_namesake(case, lead)
        self.add(case)

    def decoy_other_company(self) -> None:
        decoy = self.new_lead(self.random_company())
        if self.chance(0.5):
            company, subcase = self.random_company(exclude=decoy.company), "prospect_at_database_company"
        else:
            company, subcase = self.rng.choice(self.outside), "prospect_at_outside_company"
        email, tag = self.corporate_or_free_mail(decoy.first_name, decoy.last_name, company, 0.6)
        case = Case("decoy_other_company", subcase, email, None, noise=[tag])
        self.name_signal(case, decoy.first_name, decoy.last_name, 0.3)
        roll = self.rng.random()
        if roll < 0.45:
            self.company_name_signal(case, company, 0.3)
        elif roll < 0.7:
            self.website_signal(case, company, "", 0.3)
        else:
            self.company_name_signal(case, company, 0.3)
            self.website_signal(case, company, "", 0.3)
        self.add(case)

    def same_name_same_company(self) -> None:
        company = self.random_company()
        first = self.new_lead(company)
        self.new_lead(company, name=(first.first_name, first.last_name))  # the same name, another person
        if self.chance(0.7):
            email = self.free_mail(first.first_name, first.last_name)
            subcase, tag = "free_mail", "email:free:" + email.split("@")[1]
        else:
            email = self.corporate_email(first.first_name, first.last_name, company.domain)
            subcase, tag = "corporate_email", "email:same_domain"
        case = Case("same_name_same_company", subcase, email, None, noise=[tag], person_in_database=True)
        self.name_signal(case, first.first_name, first.last_name, 0.3)
        self.company_name_signal(case, company, 0.3)
        self.add(case)

    def free_mail_only(self) -> None:
        roll = self.rng.random()
        if roll < 0.3:  # the lead database knows this free-mail address: an exact email match
            lead = self.new_lead(self.random_company(), email="free")
            case = Case("free_mail_only", "email_in_database", lead.email, lead)
            self.name_signal(case, lead.first_name, lead.last_name, 0.3)
        elif roll < 0.8:  # the person is a lead (unique name!), but a name alone identifies nobody
            lead = self.new_lead(self.random_company())
            case = Case(
                "free_mail_only", "name_in_database", self.free_mail(lead.first_name, lead.last_name), None
            )
            case.person_in_database = True
            self.name_signal(case, lead.first_name, lead.last_name, 0.3)
        else:
            first, last = self.new_name(self.locale())
            case = Case("free_mail_only", "unknown_name", self.free_mail(first, last), None)
            self.name_signal(case, first, last, 0.3)
        case.noise.append("email:free:" + case.email.split("@")[1])
        self.add(case)

    def partially_filled(self) -> None:
        lead = self.new_lead(self.random_company(), complete=True, linkedin=True, website=True)
        roll = self.rng.random()
        if roll < 0.4:
            case = Case("partially_filled", "by_email", lead.email, lead)
        elif roll < 0.7:
            email, tag = self.other_email(lead.first_name, lead.last_name, 0.8)
            case = Case("partially_filled", "by_linkedin", email, lead, noise=[tag])
            url, url_tag = self.linkedin_form(lead.slug, differ_from=lead.linkedin_url)
            case.hints["linkedin_url"] = url
            case.noise.append(url_tag)
        else:
            email = self.corporate_email(
                lead.first_name, lead.last_name, lead.company.domain, avoid=lead.email.split("@")[0]
            )
            case = Case("partially_filled", "by_name_email_domain", email, lead, noise=["email:same_domain"])
            self.name_signal(case, lead.first_name, lead.last_name, 0.0)
        # Some of the person's own (descriptive) fields already hold other values…
        fields = self.rng.sample(DESCRIPTIVE_FIELDS, self.rng.randint(2, 4))
        for name in fields:
            case.stored[name] = self.other_value(name, getattr(lead, name), lead.locale)
        # …and some identity fields are set, written differently from the lead.
        if self.chance(0.5):
            vfirst, vlast, tag = self.name_variant(lead.first_name, lead.last_name)
            case.stored.update(first_name=vfirst, last_name=vlast)
            case.noise.append(tag + "+stored")
            if case.subcase == "by_name_email_domain":
                case.hints.update(first_name=vfirst, last_name=vlast)
        if self.chance(0.3):
            case.stored["company"], tag = self.company_variant(lead.company.name, lead.company.locale)
            case.noise.append(tag + "+stored")
        case.noise.append(f"stored:{len(case.stored)}")
        self.add(case)

    def other_value(self, name: str, value: str, locale: str) -> str:
        pools = {
            "title": self.pools.jobs,
            "phone": self.pools.phones[locale],
            "industry": list(INDUSTRIES),
            "address": self.pools.streets[locale],
            "city": self.pools.cities[locale],
            "state": self.pools.states[locale]
            if self.pools.states[locale] != [""]
            else self.pools.states["en_US"],
            "country": [country for country, _, _ in LOCALES.values()]
            + ["USA", "UK", "Deutschland", "España"],
        }[name]
        while True:
            other = self.rng.choice(pools)
            if other and other != value:
                return other

    def unknown_person_known_company(self) -> None:
        company = self.random_company()
        colleague = self.new_lead(company)  # the company is known: at least this colleague works there
        roll = self.rng.random()
        if roll < 0.4:
            first, last = self.new_name(colleague.locale, last=colleague.last_name)
            subcase = "shares_last_name"
        elif roll < 0.6:
            first, last = self.new_name(colleague.locale, first=colleague.first_name)
            subcase = "shares_first_name"
        else:
            first, last = self.new_name(company.locale)
            subcase = "new_name"
        if self.chance(0.7):
            email, tag = self.corporate_email(first, last, company.domain), "email:same_domain"
        else:
            email = self.free_mail(first, last)
            tag = "email:free:" + email.split("@")[1]
        case = Case("unknown_person_known_company", subcase, email, None, noise=[tag])
        self.name_signal(case, first, last, 0.3)
        if self.chance(0.7):
            self.company_name_signal(case, company, 0.3)
        if ("company_name" not in case.hints and "company" not in case.stored) or self.chance(0.5):
            self.website_signal(case, company, "", 0.3)
        self.add(case)

    def shared_suffix(self) -> tuple[str, bool]:
        suffix = self.rng.choice(list(SHARED_SUFFIXES))
        return suffix, SHARED_SUFFIXES[suffix][2]

    def namesake_under_shared_suffix(self) -> None:
        """The person is not a lead; a lead of the same name works at another company under the same
        suffix (othercorp.co.th, the prospect at acme.co.th): the suffix is no shared company."""
        suffix, private = self.shared_suffix()
        theirs, ours = self.rng.sample(self.under_suffix[suffix], 2)
        decoy = self.new_lead(theirs, website=True)
        subcase = "private_suffix" if private else "icann_multi_label"
        email, tag = self.corporate_or_free_mail(
            decoy.first_name, decoy.last_name, ours, 0 if private else 0.5
        )
        case = Case("namesake_under_shared_suffix", subcase, email, None, noise=[tag, f"suffix:{suffix}"])
        self.name_signal(case, decoy.first_name, decoy.last_name, 0.3)
        if tag != "email:corporate" or self.chance(0.7):
            self.website_signal(case, ours, "", 0.3)
        if self.chance(0.5):
            self.company_name_signal(case, ours, 0.3)
        self.add(case)

    def rare_suffix_same_company(self) -> None:
        """The lead's own company under a shared suffix, by name + its website or an address at its
        domain; often a namesake at another company under the same suffix."""
        suffix, private = self.shared_suffix()
        company = self.rng.choice(self.under_suffix[suffix])
        lead = self.new_lead(company, website=True)
        if private:
            email = self.free_mail(lead.first_name, lead.last_name)
            tags = ["email:free:" + email.split("@")[1]]
            subcase = "private_suffix_with_company" if self.chance(0.6) else "private_suffix_website_only"
        elif self.chance(0.5):
            domain = (
                f"{self.rng.choice(['eu', 'mail', 'hq'])}.{company.domain}"
                if self.chance(0.2)
                else company.domain
            )
            email = self.corporate_email(
                lead.first_name, lead.last_name, domain, avoid=lead.email.split("@")[0]
            )
            tags, subcase = ["email:same_domain"], "icann_multi_label"
        else:
            email, tag = self.other_email(lead.first_name, lead.last_name, 0.8)
            tags, subcase = [tag], "icann_multi_label"
        case = Case("rare_suffix_same_company", subcase, email, lead, noise=[*tags, f"suffix:{suffix}"])
        self.name_signal(case, lead.first_name, lead.last_name, 0.3)
        if private or "email:same_domain" not in tags:
            self.website_signal(case, company, lead.company_website, 0.25)
        if subcase == "private_suffix_with_company":
            self.company_name_signal(case, company, 0.3)
        if self.chance(0.4):
            other = self.rng.choice([c for c in self.under_suffix[suffix] if c is not company])
            self.new_lead(other, name=(lead.first_name, lead.last_name), website=True)
            case.noise.append("namesake_under_same_suffix")
        self.add(case)

    # ----- putting it together ---------------------------------------------------------------

    def build(self) -> None:
        for category in CATEGORIES:
            make = getattr(self, category)
            for _ in range(self.sizes[category]):
                make()
        needed = len(self.leads)
        if needed > self.target_leads:
            raise SystemExit(
                f"the categories need {needed} leads; ask for at least that many (--leads) or fewer prospects"
            )
        while len(self.leads) < self.target_leads:
            self.new_lead(self.random_company(), email="none" if self.chance(0.02) else "corporate")
        self.rng.shuffle(self.leads)
        self.rng.shuffle(self.cases)

    def truth(self, case: Case) -> dict[str, Any]:
        original = {name: case.stored.get(name, "") for name in PROSPECT_FIELDS}
        expected = dict(original)
        if case.lead is not None:
            for name, value in case.lead.offered().items():
                if not expected[name]:
                    expected[name] = value
        return {
            "email": case.email,
            "category": case.category,
            "subcase": case.subcase,
            "lead": case.lead.ref if case.lead else None,
            "expect_match": case.lead is not None,
            "expect_enriched": expected != original,
            "person_in_database": case.person_in_database or case.lead is not None,
            "noise": case.noise,
            "original": original,
            "expected": expected,
        }


def write(generator: Generator, out: Path, args: dict[str, Any]) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "leads.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, LEAD_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(lead.row() for lead in generator.leads)
    with (out / "prospects.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, PROSPECT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for case in generator.cases:
            writer.writerow({"email": case.email, **case.stored})
    with (out / "queue.jsonl").open("w", encoding="utf-8") as handle:
        for case in generator.cases:
            handle.write(json.dumps({"email": case.queue_email, **case.hints}, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    should: dict[str, int] = {}
    with (out / "truth.jsonl").open("w", encoding="utf-8") as handle:
        for case in generator.cases:
            record = generator.truth(case)
            counts[case.category] = counts.get(case.category, 0) + 1
            should[case.category] = should.get(case.category, 0) + record["expect_enriched"]
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    manifest = {
        "arguments": args,
        "leads": len(generator.leads),
        "companies": len(generator.companies),
        "companies_under_shared_suffixes": sum(len(group) for group in generator.under_suffix.values()),
        "prospects": len(generator.cases),
        "categories": {
            name: {"prospects": counts.get(name, 0), "expect_enriched": should.get(name, 0)}
            for name in CATEGORIES
        },
        "faker": _faker_version(),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _faker_version() -> str:
    from importlib.metadata import version

    return version("faker")


def flag(category: str) -> str:
    return "--" + category.replace("_", "-")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=Path("bench/out/matcher_quality/data"), help="output directory"
    )
    parser.add_argument("--seed", type=int, default=5, help="random seed (default 5)")
    parser.add_argument(
        "--leads", type=int, default=10_000, help="people in the lead database (default 10000)"
    )
    parser.add_argument(
        "--companies", type=int, default=1_500, help="companies in the lead database (default 1500)"
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply every category's default size (default 1.0)"
    )
    for category, (size, _, meaning) in CATEGORIES.items():
        parser.add_argument(
            flag(category), type=int, default=None, help=f"prospects (default {size}): {meaning}"
        )
    return parser.parse_args(argv)


def sizes_from(args: argparse.Namespace) -> dict[str, int]:
    sizes = {}
    for category, (size, _, _) in CATEGORIES.items():
        given = getattr(args, category)
        sizes[category] = given if given is not None else round(size * args.scale)
    return sizes


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = sizes_from(args)
    generator = Generator(args.seed, args.leads, args.companies, sizes)
    generator.build()
    arguments = {"seed": args.seed, "leads": args.leads, "companies": args.companies, "sizes": sizes}
    manifest = write(generator, args.out, arguments)
    print(
        f"{manifest['leads']} leads at {manifest['companies']} companies, {manifest['prospects']} prospects "
        f"→ {args.out}",
        file=sys.stderr,
    )
    for name, numbers in manifest["categories"].items():
        print(
            f"  {name:30} {numbers['prospects']:6} prospects, {numbers['expect_enriched']:6} to enrich",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
