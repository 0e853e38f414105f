"""Petition pages and their signatures (letter-writing actions live in petitions.letters)."""
