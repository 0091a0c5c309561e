"""Portfolio orchestration: optimisation, rebalancing and performance over the domain maths."""
