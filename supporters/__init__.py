"""The kernel every action shares: supporter identity, canonical email, consent ledger, captcha, rate limits, counts, erasure."""
