"""Patterns searched over a whole document, told where a match can start.

Python's re skips ahead to the characters a pattern must start with, but only when it can see them: a pattern
that opens with an optional group ("(?:年?初|年度)?目标值"), a lookbehind or a zero-width alternative is
tried at every position of the text, several times slower on a report of 10,000 characters. `led_by` states
the first characters in a lookahead, which re does see. The tests check every such pattern finds exactly
what it finds without its lead (LED_PATTERNS).
"""

from __future__ import annotations

import re

# (the pattern with its lead, the pattern as written): for the tests.
LED_PATTERNS: list[tuple[re.Pattern[str], str]] = []


def led_by(first_characters: str, pattern: str) -> re.Pattern[str]:
    """`pattern` compiled with the characters any match of it starts at (a match of zero width: the
    character after it)."""
    led = re.compile(f"(?=[{first_characters}])(?:{pattern})")
    LED_PATTERNS.append((led, pattern))
    return led
