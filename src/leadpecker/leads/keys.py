"""Normalised keys for matching people: the same person written differently gets one key."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import idna
from publicsuffixlist import PublicSuffixList

# Free-mail and consumer ISP providers: their domain says nothing about the person's company.
FREE_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "yahoo.de",
        "yahoo.es",
        "yahoo.it",
        "yahoo.ca",
        "yahoo.com.au",
        "yahoo.co.in",
        "yahoo.co.jp",
        "ymail.com",
        "rocketmail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "hotmail.de",
        "hotmail.es",
        "hotmail.it",
        "outlook.com",
        "outlook.fr",
        "outlook.de",
        "live.com",
        "live.co.uk",
        "live.fr",
        "live.nl",
        "msn.com",
        "aol.com",
        "aol.co.uk",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "protonmail.ch",
        "pm.me",
        "gmx.de",
        "gmx.net",
        "gmx.com",
        "gmx.at",
        "gmx.ch",
        "web.de",
        "t-online.de",
        "freenet.de",
        "arcor.de",
        "posteo.de",
        "mailbox.org",
        "yandex.ru",
        "yandex.com",
        "ya.ru",
        "mail.ru",
        "inbox.ru",
        "bk.ru",
        "list.ru",
        "rambler.ru",
        "mail.com",
        "email.com",
        "zoho.com",
        "fastmail.com",
        "fastmail.fm",
        "hey.com",
        "tutanota.com",
        "tuta.io",
        "wp.pl",
        "o2.pl",
        "onet.pl",
        "interia.pl",
        "op.pl",
        "seznam.cz",
        "centrum.cz",
        "email.cz",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "sfr.fr",
        "laposte.net",
        "neuf.fr",
        "libero.it",
        "virgilio.it",
        "alice.it",
        "tiscali.it",
        "tin.it",
        "bluewin.ch",
        "telenet.be",
        "skynet.be",
        "ziggo.nl",
        "kpnmail.nl",
        "planet.nl",
        "home.nl",
        "xs4all.nl",
        "online.no",
        "telia.com",
        "comhem.se",
        "bredband.net",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "ntlworld.com",
        "talktalk.net",
        "blueyonder.co.uk",
        "comcast.net",
        "verizon.net",
        "att.net",
        "sbcglobal.net",
        "bellsouth.net",
        "cox.net",
        "charter.net",
        "earthlink.net",
        "optonline.net",
        "juno.com",
        "shaw.ca",
        "rogers.com",
        "sympatico.ca",
        "videotron.ca",
        "bigpond.com",
        "optusnet.com.au",
        "xtra.co.nz",
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "sohu.com",
        "naver.com",
        "daum.net",
        "hanmail.net",
        "rediffmail.com",
        "uol.com.br",
        "bol.com.br",
        "terra.com.br",
    ]
)
# Legal forms, written without their dots ("S.A.R.L." → "sarl", "Sp. z o.o." → "sp z oo").
_LEGAL_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "llp",
        "lp",
        "ltd",
        "limited",
        "plc",
        "co",
        "corp",
        "corporation",
        "company",
        "pty",
        "pvt",
        "pte",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "kgaa",
        "ohg",
        "gbr",
        "ug",
        "ek",
        "ev",
        "se",
        "sa",
        "sas",
        "sasu",
        "sarl",
        "eurl",
        "sca",
        "scs",
        "scoop",
        "srl",
        "spa",
        "sl",
        "slu",
        "sll",
        "ltda",
        "eireli",
        "bv",
        "nv",
        "vof",
        "cv",
        "oy",
        "oyj",
        "ab",
        "hb",
        "kb",
        "as",
        "asa",
        "aps",
        "is",
        "ks",
        "sp",
        "z",
        "oo",
        "zoo",
        "sro",
        "vos",
        "kft",
        "zrt",
        "bt",
        "doo",
        "dd",
        "ad",
        "ood",
        "eood",
        "kk",
        "yk",
    ]
)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_SLASHES = re.compile(r"/+")
_DOTS = re.compile(r"[./]")
# Letters NFKD does not split into a base letter and an accent.
_UNDECOMPOSABLE = str.maketrans(
    {"æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def fold(text: str) -> str:
    """Unicode- and case-folded, accents removed, runs of non-alphanumerics as one space."""
    folded = text.casefold()
    if not folded.isascii():  # the slow path only for the names that need it
        decomposed = unicodedata.normalize("NFKD", folded.translate(_UNDECOMPOSABLE))
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", folded).strip()


def name_key(first_name: str, last_name: str) -> str:
    """ "José  Müller" and "jose muller" → "jose muller"; empty when either part is missing."""
    first, last = fold(first_name), fold(last_name)
    return f"{first} {last}" if first and last else ""


def company_key(company_name: str) -> str:
    """A company name without its trailing legal form and punctuation:
    "Pied Piper, Inc." → "pied piper"; "Dupont S.A.R.L." → "dupont"; "AB Foods" stays "ab foods"
    (only trailing words are legal forms: a leading one is part of the name)."""
    words = fold(_DOTS.sub("", company_name)).split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


# scheme? //? userinfo@? HOST :port? then path, query or fragment. A regex, not urlsplit: it is
# run for every lead of an import and every prospect of a claim, and is several times faster.
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?(?://)?(?:[^@/?#]*@)?([^:/?#]*)(?::\d*)?([^?#]*)")


def _host_and_path(value: str) -> tuple[str, str]:
    match = _URL.match(value.strip().lower())
    if match is None:
        return "", ""
    return match.group(1).rstrip("."), match.group(2)


def _host(value: str) -> str:
    return _host_and_path(value)[0]


# Hosts come in as text written by people, so non-ASCII names are turned into their ASCII
# (punycode) form with ``idna`` (UTS #46, as browsers do: ``straße.de`` stays distinct from
# ``strasse.de``), and ``bücher.de`` and ``xn--bcher-kva.de`` get one key.
_HOST_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)+")  # DNS labels (ASCII), at least two
_MAX_HOST_NAME = 253
# "localhost" and its subdomains are this machine, wherever the address was written.
_LOOPBACK_TLD = "localhost"


@cache
def public_suffix_list() -> PublicSuffixList:
    """The Public Suffix List (publicsuffix.org), both its ICANN and its PRIVATE section.

    The list says under which suffixes independent parties register names: ``co.th``,
    ``org.br``, ``vic.gov.au``, ``*.kawasaki.jp`` in its ICANN section, hosting platforms'
    ``github.io``, ``blogspot.com``, ``herokuapp.com`` in its PRIVATE section. It comes from
    ``publicsuffixlist``, which ships a snapshot of the list inside the package (re-released
    whenever the list changes) and reads only that file: no download, no cache directory, no
    setting that could point it at a URL, no dependencies. ``tldextract``, the alternative,
    fetches the list over HTTP by default and caches it under the user's home
    (``suffix_list_urls=()`` and ``cache_dir=None`` turn that off), and brings requests and
    filelock along.

    Parsed on first use (~0.1 s), not at import: most commands never compute a
    domain."""
    return PublicSuffixList()


# An import computes the domain of every lead's website, a claim of every prospect's website
# and email, and of every candidate lead's email; company hosts repeat (a company has many
# people). bench/domain_keys_speed.py (100,000 websites and emails at 20,000 company domains, µs
# of CPU per call, website / email): the hand-written 37-suffix rule 1.64 / 0.93; this rule
# without the memo 4.1 / 2.9; with it 2.7 / 1.5 on a first pass and 1.35 / 0.5–0.8 once the hosts
# were seen. Full, it holds ~15 MB (hosts and results).
@lru_cache(maxsize=65_536)
def registrable_domain(host: str) -> str:
    """The domain a company registered, under the Public Suffix List, or "" when the host names
    no company:

    - ``www.eu.example.co.uk`` → ``example.co.uk``; ``acme.co.th`` → ``acme.co.th``;
      ``x.health.vic.gov.au`` → ``health.vic.gov.au``; ``a.b.kawasaki.jp`` → ``a.b.kawasaki.jp``
      (``*.kawasaki.jp``: every name under kawasaki.jp is a suffix);
    - a host that is itself a public suffix (``co.th``, ``com``) → "";
    - the PRIVATE section's suffixes count as suffixes too: ``github.io`` itself → "" (a
      platform is nobody's company), ``someone.github.io`` and ``a.b.someone.github.io`` →
      ``someone.github.io``, ``x.blogspot.com`` → ``x.blogspot.com``: the name a platform's
      user holds, as ``acme.co.th`` is the name its registrant holds. Two people linked by it
      share that one site, never just the platform (matcher-quality benchmark: 0 false matches
      either way; recall 99.32 % keyed so, 98.08 % with such sites giving no domain at all);
    - a TLD the list does not know counts as one label (the list's own default rule ``*``):
      ``acme.example`` → ``acme.example``, so a TLD delegated after the snapshot still works;
    - IP addresses, ``localhost`` and ``*.localhost``, single labels, empty labels (``a..com``),
      anything else that is no DNS name → "";
    - case, one trailing dot (``acme.com.``) and the Unicode or punycode spelling of a name
      do not matter; the result is lower-case ASCII (punycode).
    """
    host = host.lower().removesuffix(".")
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            return ""
    if len(host) > _MAX_HOST_NAME or not _HOST_NAME.fullmatch(host):
        return ""
    tld = host.rpartition(".")[2]
    if tld.isdigit() or tld == _LOOPBACK_TLD:  # no TLD is numeric: an IPv4 address
        return ""
    suffix = public_suffix_list().publicsuffix(host)  # the longest rule, of either section
    if suffix is None or len(suffix) == len(host):
        return ""  # the host is a suffix itself
    owner = host[: -len(suffix) - 1].rpartition(".")[2]
    return f"{owner}.{suffix}"


def website_domain(website: str) -> str:
    """The company domain of a website in any of its written forms
    (``https://www.Example.com/about``, ``example.com``, ``http://example.com:8080``)."""
    return registrable_domain(_host(website))


def email_domain(email: str) -> str:
    """The company domain of an email, or "" for free-mail and malformed addresses."""
    _, at, host = email.strip().lower().rpartition("@")
    if not at:
        return ""
    domain = registrable_domain(host)
    return "" if domain in FREE_MAIL_DOMAINS or host in FREE_MAIL_DOMAINS else domain


def linkedin_key(url: str) -> str:
    """A LinkedIn profile URL reduced to its identity: scheme, ``www.``/country subdomains,
    trailing slash, query, fragment and case do not matter.
    ``https://uk.linkedin.com/in/Jane-Doe-123/?trk=x`` → ``linkedin.com/in/jane-doe-123``."""
    host, path = _host_and_path(url)
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        return ""
    path = _SLASHES.sub("/", path).rstrip("/")
    return f"linkedin.com{path}" if path else ""
