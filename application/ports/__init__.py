"""The ports: what the application needs from the outside world, as Protocols."""
