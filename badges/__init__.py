"""Open Badges 3.0: achievements, issuing, proofs, status list, verification."""
