"""How fast the company-domain keys are computed (``website_domain``, ``email_domain``).

    .venv/bin/python bench/domain_keys_speed.py [--hosts 100000] [--companies 20000] [--repeats 5]

Both run for every lead of ``leadpecker leads import`` and every prospect of an enrichment
claim, so a slower rule slows both. The bench makes ``--hosts`` websites and as many emails
(seeded; written in the forms lead files use: ``https://www.acme.co.uk/about``, ``acme.com``,
``jane.doe@eu.acme.com``, free-mail) at ``--companies`` company domains under a realistic mix
of suffixes (mostly ``.com``, country suffixes such as ``.co.uk``/``.com.au``, a few rare ones
such as ``.co.th`` and private ones such as ``github.io``), then times each function over all of
them: ``cold`` with the memo (if the code has one) cleared before each pass — what an import of
mostly new companies costs — and ``warm`` with it kept — what a claim whose companies were seen
before costs. The best of ``--repeats`` passes, in µs of this process's CPU time per call (a
busy, shared machine stretches wall time, much less CPU time), on stdout.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from leadpecker.leads import keys

SUFFIXES = (
    [".com"] * 40
    + [".io", ".net", ".org", ".de", ".fr", ".nl", ".pl", ".it", ".es"] * 3
    + [".co.uk", ".com.au", ".com.br", ".co.nz", ".com.tr", ".co.jp"] * 2
    + [".co.th", ".co.at", ".org.br", ".ac.uk", ".vic.gov.au", ".github.io", ".herokuapp.com"]
)
FREE_MAIL = ["gmail.com", "yahoo.com", "outlook.com", "gmx.de", "yahoo.co.uk"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def make_inputs(hosts: int, companies: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    domains = [
        "".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 12))) + rng.choice(SUFFIXES)
        for _ in range(companies)
    ]
    forms = ["https://www.{}/", "https://{}", "{}", "www.{}", "http://{}/about", "HTTPS://WWW.{}/en/"]
    websites, emails = [], []
    for index in range(hosts):
        domain = rng.choice(domains)
        websites.append(rng.choice(forms).format(domain.upper() if index % 17 == 0 else domain))
        if rng.random() < 0.2:
            emails.append(f"person{index}@{rng.choice(FREE_MAIL)}")
        else:
            host = f"eu.{domain}" if rng.random() < 0.1 else domain
            emails.append(f"person{index}@{host}")
    return websites, emails


def best_pass(function: Callable[[str], str], values: list[str], repeats: int, cold: bool) -> float:
    """Best CPU seconds of one pass over ``values``."""
    memo = getattr(keys.registrable_domain, "cache_clear", None)
    best = float("inf")
    for _ in range(repeats):
        if cold and memo is not None:
            memo()
        started = time.process_time()
        for value in values:
            function(value)
        best = min(best, time.process_time() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--hosts", type=int, default=100_000, help="websites and emails each (default 100000)"
    )
    parser.add_argument(
        "--companies", type=int, default=20_000, help="distinct company domains (default 20000)"
    )
    parser.add_argument("--repeats", type=int, default=5, help="passes; the best is reported (default 5)")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    websites, emails = make_inputs(args.hosts, args.companies, args.seed)
    started = time.perf_counter()
    keys.website_domain("https://www.example.com")  # builds whatever the rule loads on first use
    first_use = time.perf_counter() - started
    print(f"first call (loads the rule's data): {first_use * 1000:.1f} ms")
    print(f"{args.hosts} inputs at {args.companies} company domains, best of {args.repeats} passes")
    for name, function, values in (
        ("website_domain", keys.website_domain, websites),
        ("email_domain", keys.email_domain, emails),
    ):
        for cold in (True, False):
            seconds = best_pass(function, values, args.repeats, cold)
            print(
                f"  {name:15} {'cold' if cold else 'warm':5} {seconds * 1e6 / len(values):6.2f} µs/call"
                f"  ({seconds * 1000:7.1f} ms per pass)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
