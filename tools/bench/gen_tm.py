#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen_tm.py N OUT.tmx QUERIES.txt [SEED] — a synthetic English→French TMX of N units for the
TM benchmark: short news sentences from templates, word lists and generated names (so
that the vocabulary has the long tail of a real TM), plus QUERIES.txt with lookup queries:
variants of stored sentences (a word or a figure changed) and unseen sentences."""
import random
import sys
from xml.sax.saxutils import escape

SYL = ["ka", "lo", "mi", "ra", "ven", "sto", "dar", "bel", "kor", "na", "vi", "tel", "gor",
       "sha", "lin", "mar", "pet", "zan", "ol", "rik", "du", "fen", "hal", "jo", "ber", "sk"]

SUBJ = [("the minister", "le ministre"), ("the president", "le président"),
        ("the mayor", "le maire"), ("the government", "le gouvernement"),
        ("the army", "l'armée"), ("the police", "la police"), ("the court", "le tribunal"),
        ("the council", "le conseil"), ("the union", "le syndicat"),
        ("the company", "l'entreprise"), ("the opposition", "l'opposition"),
        ("the central bank", "la banque centrale"), ("the committee", "la commission"),
        ("the prosecutor", "le procureur"), ("the coalition", "la coalition")]
VERB = [("announced", "a annoncé"), ("rejected", "a rejeté"), ("approved", "a approuvé"),
        ("postponed", "a reporté"), ("criticised", "a critiqué"), ("defended", "a défendu"),
        ("cancelled", "a annulé"), ("signed", "a signé"), ("proposed", "a proposé"),
        ("suspended", "a suspendu"), ("confirmed", "a confirmé"), ("denied", "a démenti")]
OBJ = [("a new budget", "un nouveau budget"), ("the reform", "la réforme"),
       ("the agreement", "l'accord"), ("a ceasefire", "un cessez-le-feu"),
       ("the tax increase", "la hausse d'impôts"), ("the election date", "la date du scrutin"),
       ("an inquiry", "une enquête"), ("the contract", "le contrat"),
       ("the pension plan", "le projet de retraites"), ("the new law", "la nouvelle loi"),
       ("the aid package", "le plan d'aide"), ("the merger", "la fusion")]
DAY = [("on Monday", "lundi"), ("on Tuesday", "mardi"), ("on Wednesday", "mercredi"),
       ("on Thursday", "jeudi"), ("on Friday", "vendredi"), ("on Saturday", "samedi"),
       ("on Sunday", "dimanche"), ("last week", "la semaine dernière"),
       ("this morning", "ce matin"), ("late on Tuesday", "mardi soir")]
THING = [("troops", "soldats"), ("workers", "salariés"), ("protesters", "manifestants"),
         ("homes", "logements"), ("jobs", "emplois"), ("refugees", "réfugiés"),
         ("votes", "voix"), ("tonnes of grain", "tonnes de céréales"), ("cars", "voitures"),
         ("passengers", "passagers"), ("schools", "écoles"), ("doctors", "médecins")]
EVENT = [("arrived in", "sont arrivés à"), ("left", "ont quitté"), ("were counted in", "ont été recensés à"),
         ("were reported in", "ont été signalés à"), ("gathered in", "se sont rassemblés à"),
         ("were evacuated from", "ont été évacués de")]


def name(rng, k):
    return "".join(rng.choice(SYL) for _ in range(k)).capitalize()


def fr_num(n):
    s = f"{n:,}"
    return s.replace(",", "\u202f")


def make_pools(rng):
    people = [(name(rng, 2), name(rng, 3)) for _ in range(6000)]
    places = [name(rng, rng.choice([2, 3])) for _ in range(3000)]
    return people, places


def sentence(rng, people, places):
    t = rng.randrange(4)
    if t == 0:
        s, v, o, d = rng.choice(SUBJ), rng.choice(VERB), rng.choice(OBJ), rng.choice(DAY)
        p = rng.choice(places)
        return (f"In {p}, {s[0]} {v[0]} {o[0]} {d[0]}.",
                f"À {p}, {s[1]} {v[1]} {o[1]} {d[1]}.")
    if t == 1:
        n = rng.randrange(2, 90) * 100 * rng.choice([1, 1, 10])
        th, ev, p, d = rng.choice(THING), rng.choice(EVENT), rng.choice(places), rng.choice(DAY)
        return (f"About {n:,} {th[0]} {ev[0]} {p} {d[0]}.",
                f"Environ {fr_num(n)} {th[1]} {ev[1]} {p} {d[1]}.")
    if t == 2:
        f, l = rng.choice(people)
        v, o, d = rng.choice(VERB), rng.choice(OBJ), rng.choice(DAY)
        p = rng.choice(places)
        return (f"{f} {l}, the governor of {p}, {v[0]} {o[0]} {d[0]}.",
                f"{f} {l}, gouverneur de {p}, {v[1]} {o[1]} {d[1]}.")
    pct = rng.randrange(1, 40)
    th, p, d = rng.choice(THING), rng.choice(places), rng.choice(DAY)
    f, l = rng.choice(people)
    return (f"The number of {th[0]} in {p} rose by {pct}% according to {f} {l} {d[0]}.",
            f"Le nombre de {th[1]} à {p} a augmenté de {pct} % selon {f} {l} {d[1]}.")


def mutate(rng, s):
    words = s.split(" ")
    i = rng.randrange(len(words))
    w = words[i]
    if any(ch.isdigit() for ch in w):
        words[i] = f"{rng.randrange(2, 90) * 100:,}"
    else:
        words[i] = rng.choice(["new", "former", "regional", "national", "local", "key"])
    return " ".join(words)


def main():
    n = int(sys.argv[1])
    out, qpath = sys.argv[2], sys.argv[3]
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
    people, places = make_pools(rng)
    kept = []
    with open(out, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
                '<header creationtool="gen_tm.py" creationtoolversion="1" segtype="sentence" '
                'o-tmf="none" adminlang="en" srclang="en" datatype="plaintext"/>\n<body>\n')
        for i in range(n):
            en, fr = sentence(rng, people, places)
            if len(kept) < 2000 and rng.random() < 0.01:
                kept.append(en)
            f.write(f'<tu><tuv xml:lang="en"><seg>{escape(en)}</seg></tuv>'
                    f'<tuv xml:lang="fr"><seg>{escape(fr)}</seg></tuv></tu>\n')
        f.write("</body>\n</tmx>\n")
    with open(qpath, "w", encoding="utf-8") as q:
        for i in range(1000):
            if i % 4 == 3 or not kept:
                q.write(sentence(rng, people, places)[0] + "\n")
            else:
                q.write(mutate(rng, rng.choice(kept)) + "\n")


if __name__ == "__main__":
    main()
