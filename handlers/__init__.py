"""Business logic: one module per user flow, over the store and the catalog."""
