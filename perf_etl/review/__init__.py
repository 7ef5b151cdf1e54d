"""Review: corrections a person makes to extracted values (corrections.py), the queue of values to look at
and the local page to do it in."""
