"""One stage per module: dates, places, officials, counts, awards (and `numbers`, the shared
reader of Vietnamese numbers). Each stage is a small class built once from the vocabulary in
`extractors/vocab/`, called per document, returning records with evidence spans."""
