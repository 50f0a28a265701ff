"""Published models written in the spec's API: a port of Brian2's example gallery (one folder each)."""
