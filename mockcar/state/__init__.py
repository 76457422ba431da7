"""The World's mutable state as records (what changed from its scenario), and snapshots:
one JSON document of a whole server's or one application's state, taken and restored."""
