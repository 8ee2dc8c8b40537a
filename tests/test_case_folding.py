"""The backend and the evaluator ignore case by the same rule, each implemented on its own."""
from sigma.backends.sumo.literals import LAST_CASED, case_variants

from tests.evaluator.event import fold_case


def test_every_non_ascii_letter_class_is_what_the_evaluator_folds_together():
    by_fold: dict[str, set[str]] = {}
    for code in range(0x80, LAST_CASED + 1):
        char = chr(code)
        by_fold.setdefault(fold_case(char), set()).add(char)

    mismatches = []
    for code in range(0x80, LAST_CASED + 1):
        char = chr(code)
        folded = fold_case(char)
        ascii_partners = {folded, folded.upper()} if folded.isascii() else set()
        expected = by_fold[folded] | ascii_partners
        if set(case_variants(char)) != expected:
            mismatches.append(f"U+{code:04X}: {case_variants(char)} vs {sorted(expected)}")

    assert not mismatches, "\n".join(mismatches[:10])
