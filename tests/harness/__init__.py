"""The shared test harness: everything tests use besides their own assertions, importable as
``tests.harness.<module>`` (the conftest files only declare fixtures from it).

- ``database``: a fresh database of either kind, and direct reads of what a server wrote.
- ``server``: real ``leadpecker serve`` processes.
- ``cli``: the real ``leadpecker`` command, run in-process.
- ``http``: the reference's error envelopes, raw requests, held (slow) requests, the OpenAPI
  document.
- ``names``, ``files``, ``prospects``: fresh names, files for the command, prospects added the
  way a client adds them.
- ``outages``: a database or a Redis that goes away, a lock held by another process.
- per suite: ``rate_limit``, ``enrichment``, ``imports``, ``blacklist``, ``search``,
  ``webhooks`` (subscriptions, events, the outbox, dispatchers) and ``receiver`` (a real
  webhook receiver), ``clientwire`` and ``workspace`` (the client replays).
"""
