"""Follow-ups with repeat buyers: who is due to reorder, a message ready to send, and what
it earned. A feature package over the core (bot/), like promotions/: the pure due policy
(due), customer records and the owner's commands (commands), the daily digest (digest),
and the statistics (stats). It never imports another feature."""
