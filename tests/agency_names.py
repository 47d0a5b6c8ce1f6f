"""Test helper: compare agency lists the way the scorer does (GUIDELINES.md section 3)."""
from ocop_docs.evaluation.score import agency_match


def same(names, expected) -> bool:
    """The two lists name the same agencies, one to one, under the scorer's name matching."""
    left = list(names)
    for e in expected:
        hit = next((n for n in left if agency_match(e, n)), None)
        if hit is None:
            return False
        left.remove(hit)
    return not left
