"""Published models written the way BrainPy 0.3's documentation writes models, each checked against a reference."""
