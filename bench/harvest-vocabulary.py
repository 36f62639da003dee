#!/usr/bin/env python3
"""Copies a seeded database and gives its posts a real text's spread of words, for measuring
the harvest's key terms: the demo seed writes from 565 distinct words (~10,000 word pairs),
which fits in any table. Each post gets a paragraph of 20 words drawn by rank^-1 (Zipf) from
an invented lexicon of 200,000 Spanish-like words: at a million posts, ~196,000 distinct words
and ~10 million distinct pairs. Deterministic (seed 15).

Usage: bench/harvest-vocabulary.py SOURCE.sqlite COPY.sqlite   (COPY is replaced)"""
import itertools
import random
import shutil
import sqlite3
import sys

source, copy = sys.argv[1], sys.argv[2]
shutil.copyfile(source, copy)
random.seed(15)
onsets = ["", "b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "ch", "br", "tr", "pl", "gr", "qu"]
vowels = ["a", "e", "i", "o", "u", "á", "é", "í", "ó", "ú", "ia", "ue", "io"]
codas = ["", "", "", "n", "s", "r", "l"]
lexicon, seen = [], set()
while len(lexicon) < 200_000:
    word = "".join(random.choice(onsets) + random.choice(vowels) + random.choice(codas) for _ in range(random.randint(2, 4)))
    if len(word) >= 4 and word not in seen:
        seen.add(word)
        lexicon.append(word)
weights = list(itertools.accumulate(1.0 / rank for rank in range(1, len(lexicon) + 1)))
db = sqlite3.connect(copy)
ids = [row[0] for row in db.execute("SELECT id FROM posts")]
paragraphs = ((" ".join(random.choices(lexicon, cum_weights=weights, k=20)), i) for i in ids)
db.executemany("UPDATE posts SET body_markdown = body_markdown || char(10) || char(10) || ? WHERE id = ?", paragraphs)
db.commit()
print(f"{len(ids)} posts in {copy}")
