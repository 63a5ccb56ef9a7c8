#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/bench/gen-names.py N OUT_DIR [SHIPPED_TSV...] — synthetic names data for the bench.

Writes OUT_DIR/names-N.tsv (N entities in the dicts/names format: people of Ukrainian,
Russian, Western European and Greek origin, places, organisations; canonical forms in
en fr de uk ru, variants in other spellings and scripts, given= and decl_* context),
OUT_DIR/queries.txt (lookup queries: forms of generated entities, their surnames, and
misses) and OUT_DIR/text.txt (news-like English text, about 10 MB: 4% of the words are names
of the shipped dictionary, 2% names of 20,000 generated entities with Zipf-like frequencies
as names recur in the news, 6% capitalized words that are not names).
Deterministic (seeded). The names are made of syllables; they are not real people.
"""
import os
import random
import sys

N = int(sys.argv[1])
out = sys.argv[2]
shipped = sys.argv[3:]
rnd = random.Random(20261122)
os.makedirs(out, exist_ok=True)

UK_GIVEN = ["Олександр", "Андрій", "Сергій", "Володимир", "Дмитро", "Іван", "Михайло", "Олег",
            "Юрій", "Віктор", "Ігор", "Василь", "Богдан", "Тарас", "Павло", "Роман", "Петро",
            "Микола", "Анатолій", "Олексій", "Ярослав", "Максим", "Степан", "Денис"]
UK_GIVEN_F = ["Олена", "Ірина", "Наталія", "Тетяна", "Оксана", "Юлія", "Ольга", "Марія",
              "Світлана", "Людмила", "Галина", "Вікторія"]
ROOT_SYL = ["ко", "ва", "ле", "ми", "ро", "са", "ше", "ти", "бо", "да", "гу", "за", "ку", "ла",
            "мо", "на", "пе", "ри", "сту", "хо", "че", "бі", "ді", "лі", "ні", "рі", "ст",
            "кр", "гр", "бр", "др", "пр", "тр", "ль", "ч", "ш", "ж", "м", "в", "р", "н"]
M_SUFFIX = ["енко", "ук", "юк", "чук", "ський", "цький", "ов", "ев", "ін", "ич", "ак", "ар"]
F_SUFFIX = {"енко": "енко", "ук": "ук", "юк": "юк", "чук": "чук", "ський": "ська",
            "цький": "цька", "ов": "ова", "ев": "ева", "ін": "іна", "ич": "ич", "ак": "ак",
            "ар": "ар"}
DECL = {"ський": ("український", "украинский"), "цький": ("український", "украинский"),
        "ов": ("Петров", "Чехов"), "ев": ("Петров", "Чехов"), "ін": ("Пушкін", "Пушкин")}
PLACE_SUFFIX = ["івка", "ове", "ськ", "город", "опіль", "ани", "ичі", "ин", "ці"]

UK_LAT = {"а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
          "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
          "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
          "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
          "я": "ia", "'": ""}
DE = dict(UK_LAT, **{"ж": "sh", "з": "s", "в": "w", "и": "y", "й": "j", "х": "ch", "ц": "z",
                      "ч": "tsch", "ш": "sch", "щ": "schtsch", "ю": "ju", "я": "ja", "є": "je",
                      "ї": "ji", "с": "s"})
FR = dict(UK_LAT, **{"у": "ou", "ш": "ch", "ч": "tch", "ж": "j", "х": "kh", "и": "y",
                      "ю": "iou", "я": "ia", "й": "ï"})
RU_MAP = {"і": "и", "ї": "йи", "є": "е", "и": "ы", "ґ": "г"}
RU_LAT = dict(UK_LAT, **{"г": "g", "и": "i", "ы": "y", "й": "y", "е": "e", "ё": "yo", "э": "e",
                          "ю": "yu", "я": "ya", "ъ": ""})


def tr(s, table):
    res = []
    for ch in s:
        low = ch.lower()
        t = table.get(low, low)
        res.append(t[:1].upper() + t[1:] if ch != low else t)
    return "".join(res)


def to_ru(s):
    return "".join(RU_MAP.get(c, RU_MAP.get(c.lower(), c.lower()).upper() if c.isupper() else c)
                   if c.lower() in RU_MAP else c for c in s)


def root():
    n = rnd.choice((2, 2, 3))
    r = "".join(rnd.choice(ROOT_SYL) for _ in range(n))
    return r[0].upper() + r[1:]


LAT_GIVEN = ["Jean", "Marie", "Pierre", "Sophie", "Hans", "Anna", "Klaus", "Petra", "Jan",
             "Katarzyna", "Tomasz", "Luca", "Giulia", "Miguel", "Elena", "Lars", "Ingrid",
             "Jérôme", "Hélène", "François", "Jürgen", "Zoë", "Łukasz", "Agnieszka"]
LAT_SYL = ["ber", "mar", "len", "dor", "tin", "vel", "san", "rou", "gar", "mol", "kel", "bri",
           "stein", "mann", "ard", "ez", "ski", "ová", "é", "ès", "ü", "ö", "ł", "ńs", "ot"]
GREEK = {"a": "α", "b": "μπ", "d": "ντ", "e": "ε", "g": "γ", "i": "ι", "k": "κ", "l": "λ",
         "m": "μ", "n": "ν", "o": "ο", "p": "π", "r": "ρ", "s": "σ", "t": "τ", "u": "ου",
         "v": "β", "z": "ζ", "h": "χ", "f": "φ", "y": "υ"}
GR_SYL = ["pa", "pa", "ko", "sta", "ni", "di", "mi", "tri", "lo", "gi", "an", "ge", "lis",
          "to", "ra", "ki"]
GR_GIVEN = ["Nikos", "Giorgos", "Kostas", "Dimitris", "Maria", "Eleni", "Yannis", "Sofia"]


def greek(s):
    r, i = [], 0
    s = s.lower()
    while i < len(s):
        if s[i:i + 2] == "ou":
            r.append("ου"); i += 2; continue
        r.append(GREEK.get(s[i], s[i])); i += 1
    g = "".join(r)
    if g.endswith("σ"):
        g = g[:-1] + "ς"
    return g[:1].upper() + g[1:]


seen = set()
rows, queries = [], []


def uniq(key):
    if key in seen:
        return False
    seen.add(key)
    return True


i = 0
while len(rows) < N:
    i += 1
    kind = rnd.random()
    if kind < 0.5:  # Ukrainian / Russian person
        fem = rnd.random() < 0.25
        suf = rnd.choice(M_SUFFIX)
        sur_m = root() + suf
        sur = root_f = sur_m[:-len(suf)] + F_SUFFIX[suf] if fem else sur_m
        given = rnd.choice(UK_GIVEN_F if fem else UK_GIVEN)
        uk = "%s %s" % (given, sur)
        if not uniq(uk):
            continue
        ru = to_ru(uk)
        en, de, fr = tr(uk, UK_LAT), tr(uk, DE), tr(uk, FR)
        variants = ["%s %s" % (tr(to_ru(given), RU_LAT), tr(to_ru(sur), RU_LAT)),
                    tr(to_ru(sur), RU_LAT), "de:" + tr(sur, DE)]
        ctx = "given=%s,%s,%s;country=%s" % (tr(given, UK_LAT), given, to_ru(given),
                                             rnd.choice(("UA", "RU")))
        if not fem and suf in DECL:
            ctx += ";decl_uk=%s;decl_ru=%s" % DECL[suf]
        rows.append(("p%07d" % i, "person", en, fr, de, uk, ru, variants, ctx))
        queries += [en, sur, uk, variants[0], variants[1]]
    elif kind < 0.75:  # Western European person
        given = rnd.choice(LAT_GIVEN)
        s = "".join(rnd.choice(LAT_SYL) for _ in range(rnd.choice((2, 3))))
        s = s[0].upper() + s[1:]
        full = "%s %s" % (given, s)
        if not uniq(full):
            continue
        import unicodedata
        plain = "".join(c for c in unicodedata.normalize("NFD", full)
                        if unicodedata.category(c) != "Mn").replace("ł", "l").replace("Ł", "L")
        uk_s = "-"
        rows.append(("e%07d" % i, "person", full, full, full, uk_s, "-",
                     [plain] if plain != full else [], "given=%s" % given))
        queries += [full, s, plain]
    elif kind < 0.8:  # Greek person
        given = rnd.choice(GR_GIVEN)
        s = "".join(rnd.choice(GR_SYL) for _ in range(3)) + rnd.choice(("s", "is", "ou"))
        s = s[0].upper() + s[1:]
        full = "%s %s" % (given, s)
        if not uniq(full):
            continue
        rows.append(("g%07d" % i, "person", full, full, full, "-", "-",
                     ["el:%s %s" % (greek(given), greek(s))], "given=%s;country=GR" % given))
        queries += [full, "%s %s" % (greek(given), greek(s))]
    elif kind < 0.95:  # place
        uk = root() + rnd.choice(PLACE_SUFFIX)
        if rnd.random() < 0.3:
            uk = rnd.choice(("Нова ", "Стара ", "Велика ", "Мала ")) + uk
        if not uniq(uk):
            continue
        ru = to_ru(uk)
        rows.append(("l%07d" % i, "place", tr(uk, UK_LAT), tr(uk, FR), tr(uk, DE), uk, ru,
                     [tr(ru, RU_LAT)], "kind=%s;country=UA" % rnd.choice(("city", "village"))))
        queries += [tr(uk, UK_LAT), uk, tr(ru, RU_LAT)]
    else:  # organisation
        base = root() + rnd.choice(("пром", "банк", "енерго", "тех", "транс", "газ"))
        en = "%s %s" % (tr(base, UK_LAT), rnd.choice(("Group", "Holding", "Bank", "Company")))
        if not uniq(en):
            continue
        rows.append(("o%07d" % i, "org", en, en, en, base, to_ru(base), [tr(base, UK_LAT)], "-"))
        queries += [en, base]

with open(os.path.join(out, "names-%d.tsv" % N), "w", encoding="utf-8") as f:
    f.write("# synthetic bench data (tools/bench/gen-names.py): not real people\n")
    f.write("id\ttype\ten\tfr\tde\tuk\tru\tvariants\tcontext\n")
    for r in rows:
        v = "|".join(x for x in r[7] if x.split(":", 1)[-1] not in (r[2],)) or "-"
        f.write("\t".join(r[:7]) + "\t" + v + "\t" + r[8] + "\n")

misses = ["Monday", "Thursday", "Parliament", "Brussels", "Kremlin", "Ministry", "Reuters",
          "Xylophone", "Qwerty", "Zanzibarian", "Ukrainian", "European", "Commission"]
rnd.shuffle(queries)
with open(os.path.join(out, "queries.txt"), "w", encoding="utf-8") as f:
    for q in queries[:9000]:
        f.write(q + "\n")
    for k in range(1000):
        f.write(rnd.choice(misses) + rnd.choice(("", "s", "ia", "ov")) + "\n")

# text: English filler, names of the shipped dictionary and of the generated one
shipped_names = []
for p in shipped:
    with open(p, encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) == 9 and not line.startswith("#") and c[0] != "id":
                shipped_names += [c[2]] + [v.split(":", 1)[-1] for v in c[7].split("|")
                                           if v != "-" and ":" not in v[:3]][:2]
# names recur in the news: 20,000 generated entities, used with Zipf-like frequencies
pool = [r[2] for r in rows[:20000]]
cum, t = [], 0.0
for k in range(len(pool)):
    t += 1.0 / (k + 1)
    cum.append(t)
filler = ("the a of to in and said on for that with was as by at from is it has have will "
          "would officials minister government talks week after before its their were also "
          "new more than about over into against other people country forces military aid "
          "support statement meeting election vote budget energy prices war peace region "
          "city border attack drone missile troops report according spokesman told reporters "
          "agreement sanctions economy growth inflation bank rates markets shares company "
          "plan law court judge police security council summit leaders talks deal").split()
caps = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "January", "March", "The",
        "European Union", "United Nations", "White House", "Reuters", "AFP", "Parliament",
        "On", "In", "After", "Ministry of Defence", "Security Council", "Brussels", "Ukrainian",
        "Russian", "German", "French", "American"]
size, target = 0, 10_000_000
with open(os.path.join(out, "text.txt"), "w", encoding="utf-8") as f:
    while size < target:
        words = []
        for k in range(rnd.randint(14, 30)):
            x = rnd.random()
            if x < 0.04:
                words.append(rnd.choice(shipped_names) if shipped_names else rnd.choice(caps))
            elif x < 0.06:
                words.append(rnd.choices(pool, cum_weights=cum)[0])
            elif x < 0.12:
                words.append(rnd.choice(caps))
            else:
                words.append(rnd.choice(filler))
        s = " ".join(words)
        line = s[0].upper() + s[1:] + ".\n"
        f.write(line)
        size += len(line.encode())
