"""Redis adapters: price and snapshot cache, event bus on Streams, leader lock."""
