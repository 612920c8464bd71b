"""Platform adapters behind the channel protocol in base.py."""
