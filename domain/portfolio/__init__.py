"""Portfolio analytics: estimators, optimisers, rebalancing and attribution, as pure functions."""
