"""Normalised keys for matching people: the same person written differently gets one key."""

from __future__ import annotations

import re
import unicodedata

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
# Second-level public suffixes under which companies register (example.co.uk).
_PUBLIC_SECOND_LEVEL = frozenset(
    [
        "co.uk",
        "org.uk",
        "ac.uk",
        "gov.uk",
        "ltd.uk",
        "plc.uk",
        "me.uk",
        "com.au",
        "net.au",
        "org.au",
        "co.nz",
        "org.nz",
        "co.jp",
        "ne.jp",
        "or.jp",
        "co.kr",
        "com.br",
        "com.mx",
        "com.ar",
        "com.cn",
        "com.hk",
        "com.sg",
        "com.tr",
        "com.tw",
        "co.in",
        "co.za",
        "co.il",
        "com.pl",
        "com.ua",
        "co.id",
        "com.my",
        "com.ph",
        "com.vn",
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


def registrable_domain(host: str) -> str:
    """``www.eu.example.co.uk`` → ``example.co.uk``; ``mail.example.com`` → ``example.com``."""
    labels = [label for label in host.lower().split(".") if label]
    if len(labels) < 2:
        return ""
    keep = 3 if ".".join(labels[-2:]) in _PUBLIC_SECOND_LEVEL else 2
    return ".".join(labels[-keep:]) if len(labels) >= keep else ""


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
