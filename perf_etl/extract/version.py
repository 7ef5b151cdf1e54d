"""Version of the extraction rules, stored on every core.reports row (extractor_version).

Bump it whenever a rule change can change an extracted value, so rows from old and new rules can be
told apart and re-extracted.
"""

EXTRACTOR_VERSION = "15"
