"""The interfaces' admin: organisations, API tokens, webhook subscriptions and deliveries."""
