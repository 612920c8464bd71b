"""Promotions: capped campaign posts to groups and subscribers, a feature over the core.

- ``caps``: the pure policy that decides post, delay or suppress, with a reason;
- ``schedule``: when a campaign posts (its trigger and fire times);
- ``audiences``: what the caps decide on, read from the store and the catalog;
- ``engine``: the live sender (durable outbox, delays, recovery, catch-up);
- ``jobs``: the engine's jobs on the core's scheduler;
- ``simulate``, ``render``, ``preview``: the seller's preview of what the caps will do;
- ``texts``: what a post says; ``commands``: customers' and owners' commands and buttons.

It imports the core (``bot``) only, never ``handlers``.
"""
