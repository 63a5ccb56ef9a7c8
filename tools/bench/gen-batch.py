#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a synthetic check batch: N articles (en/fr/de) and M pairs (en-fr TSV) into DIR.

usage: gen-batch.py DIR [ARTICLES] [PAIRS]   (defaults 10000 and 100000)
Text is assembled from templates written for copydesk's benchmarks; a few problems are
planted (doubled words, number mismatches, inconsistent translations) so that the checks
have something to report. Deterministic (seeded)."""
import os
import random
import sys

out = sys.argv[1]
n_articles = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
n_pairs = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
rnd = random.Random(5)
os.makedirs(os.path.join(out, "articles"), exist_ok=True)

EN = ["The minister said talks in {c} would resume on {d}.",
      "Officials confirmed that {n} people had been evacuated from {c}.",
      "A spokesperson for the council said the decision was final.",
      "Analysts expect the aid package of {n} million euros to pass next week.",
      "The mayor of {c} said power had been restored to most homes."]
FR = ["Le ministre a indiqué que les discussions à {c} reprendraient {d}.",
      "Les autorités ont confirmé que {n} personnes avaient été évacuées.",
      "Selon une porte-parole, la décision est définitive."]
DE = ["Der Minister sagte, die Gespräche in {c} würden am {d} fortgesetzt.",
      "Nach Angaben der Behörden wurden {n} Menschen in Sicherheit gebracht."]
CITIES = ["Kyiv", "Odesa", "Kharkiv", "Lviv", "Dnipro"]
DAYS = ["Monday", "Tuesday", "Friday"]


def fill(t):
    return t.format(c=rnd.choice(CITIES), d=rnd.choice(DAYS), n=f"{rnd.randint(1, 90)},{rnd.randint(100, 999)}")


for i in range(n_articles):
    lang, pool = rnd.choice([("en", EN), ("fr", FR), ("de", DE)])
    paras = []
    for _ in range(rnd.randint(4, 9)):
        s = " ".join(fill(rnd.choice(pool)) for _ in range(rnd.randint(1, 3)))
        if rnd.random() < 0.02:
            s = s.replace(" the ", " the the ", 1)
        paras.append(s)
    with open(os.path.join(out, "articles", f"a{i:05d}-{lang}.txt"), "w") as f:
        f.write("\n\n".join(paras) + "\n")

FRT = {"The minister said talks in {c} would resume on {d}.": "Le ministre a dit que les pourparlers à {c} reprendraient {d}.",
       "Officials confirmed that {n} people had been evacuated from {c}.": "Les responsables ont confirmé que {n} personnes avaient été évacuées de {c}.",
       "A spokesperson for the council said the decision was final.": "Une porte-parole du conseil a déclaré que la décision était définitive.",
       "Analysts expect the aid package of {n} million euros to pass next week.": "Les analystes s'attendent à ce que l'aide de {n} millions d'euros soit adoptée.",
       "The mayor of {c} said power had been restored to most homes.": "Le maire de {c} a déclaré que le courant était rétabli dans la plupart des foyers."}
FRDAY = {"Monday": "lundi", "Tuesday": "mardi", "Friday": "vendredi"}
with open(os.path.join(out, "pairs.en-fr.tsv"), "w") as f:
    for i in range(n_pairs):
        src_t = rnd.choice(EN)
        c, d = rnd.choice(CITIES), rnd.choice(DAYS)
        a, b = rnd.randint(1, 90), rnd.randint(100, 999)
        src = src_t.format(c=c, d=d, n=f"{a},{b}")
        tgt_n = f"{a}\u202f{b}" if rnd.random() > 0.01 else f"{a}\u202f{b + 1}"
        tgt = FRT[src_t].format(c=c, d=FRDAY[d], n=tgt_n)
        f.write(f"{src}\t{tgt}\n")
