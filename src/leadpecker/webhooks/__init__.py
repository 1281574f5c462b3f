"""Webhooks as Woodpecker sends them (developers.woodpecker.co, "Webhooks"; docs/webhooks.md).

Subscriptions (``endpoints``, ``service``), the outbox every change writes its events into in
its own transaction (``outbox``), the documented payloads built from the stored data
(``payloads``), and the dispatcher that POSTs them in batches with retries (``dispatcher``).
"""
