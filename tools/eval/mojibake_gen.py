#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/eval/mojibake_gen.py — generated mojibake lines, by class and language (issue 18).

Writes ftfy's test-case format (label, original, fixed, expect) with two more keys per case,
`class` and `lang`, so that `tools/eval/mojibake DIR` scores the file like any other set and
adds a per-class and per-language table. Sentences are random strings of words drawn from the
hunspell dictionaries on the machine (/usr/share/hunspell, read in the charset their .aff
names); nothing comes from any test set. Damage is made the way programs make it: the UTF-8
bytes of a span, a word or a line decoded in a legacy charset (undefined bytes of Windows
charsets read as the C1 control of the same number, as browsers and ftfy's "sloppy" codecs do).

Classes (the issue's numbers in brackets):
  nbsp          [1] a no-break space read as cp1252/Latin-1 (`Â` + U+00A0) or with the
                no-break space later flattened (`Â` + space), after a word, before a dash or
                a number; the rest of the line is clean
  one-word      [2] one word damaged in a line with correct non-ASCII letters elsewhere; in
                Greek also with one byte lost (`?` or U+FFFD; the repair gives U+FFFD)
  partial       [3] two to four words of the line damaged in the same charset, the rest clean
  uk-ie         [4] Ukrainian lines rich in і ї є (Russian: ё), damaged whole or word by word
                in cp1252, cp1251 or KOI8
  central-koi8  [5] whole lines in cp1250 / ISO-8859-2 (pl cs hu ro), KOI8 (uk ru)
  punct-pair    [6] words with ë û á Ö Ó Ä ú ê ... whose second cp1252 character is
                punctuation in the language (« » ¡ „ “ º ª), damaged inside a line that
                uses that punctuation itself
  whole-line    whole lines in cp1252 / Latin-1 (all Latin-script languages, Greek,
                Cyrillic) and cp1251 (uk ru)
  double        whole lines damaged twice (cp1252, cp1251)
  c1            cp1252 punctuation read as Latin-1 (C1 controls)
  lost          whole lines decoded strictly: the bytes a Windows charset lacks became U+FFFD
                (a decoder's); the repair gives U+FFFD for each character that lost a byte
  lost-qmark    the same with '?' (an encoder's) for the lost bytes
  flattened     whole lines damaged once whose no-break spaces (the second byte of "à", of
                Cyrillic "Р", KOI8's "К"...) later became plain spaces
  clean         clean lines that must stay byte-identical: every language, all-caps lines
                (Portuguese Ã, Romanian Â), French no-break spaces, symbols, kaomoji

Usage: mojibake_gen.py [--seed N] [--per N] [-o DIR]   (writes DIR/generated-SEED.json)
"""
import argparse
import json
import os
import random
import re
import sys
import unicodedata

HUNSPELL = "/usr/share/hunspell"
DICTS = {"en": "en_US", "fr": "fr", "de": "de_DE", "es": "es_ES", "it": "it_IT",
         "pt": "pt_PT", "pl": "pl_PL", "cs": "cs_CZ", "hu": "hu_HU", "ro": "ro_RO",
         "tr": "tr_TR", "el": "el_GR", "uk": "uk_UA", "ru": "ru_RU", "vi": "vi_VN"}
LANGS = list(DICTS)
WESTERN = ("en", "fr", "de", "es", "it", "pt")
CENTRAL = ("pl", "cs", "hu", "ro")
CYRILLIC = ("uk", "ru")
# The quotation marks each language's copy uses (for punct-pair and c1 lines).
QUOTES = {"fr": ("« ", " »"), "de": ("„", "“"), "es": ("«", "»"), "pt": ("«", "»"),
          "it": ("«", "»"), "en": ("“", "”"), "pl": ("„", "”"), "cs": ("„", "“"),
          "hu": ("„", "”"), "ro": ("„", "”"), "tr": ("“", "”"), "el": ("«", "»"),
          "uk": ("«", "»"), "ru": ("«", "»"), "vi": ("“", "”")}
KAOMOJI = ["¯\\_(ツ)_/¯", "(╯°□°)╯︵ ┻━┻", "ಠ_ಠ", "( ͡° ͜ʖ ͡°)", "(ง'̀-'́)ง", "٩(◕‿◕)۶",
           "(｡◕‿◕｡)", "ʕ•ᴥ•ʔ", "(⌐■_■)", "¬_¬", "(•_•)", "ヽ(´▽`)/", "(ಥ﹏ಥ)", "♪┏(・o･)┛♪"]
SYMBOLS = ["©", "®", "™", "°C", "±", "×", "€", "£", "§", "¼", "½", "µg", "№", "→", "≥", "√2",
           "π", "·", "¶", "¢", "¥", "‰", "†", "•"]
# Letters whose UTF-8 second byte reads as punctuation in cp1252.
PUNCT_LETTERS = set("ëûáÿÖÓÔÑÒÄÅËÛúêçéöüñßÜÉ")
PUNCT_LANGS = ("fr", "de", "es", "pt", "it")


def read_words(lang, rng, want=4000):
    """A random sample of plain words of the language's hunspell dictionary."""
    base = os.path.join(HUNSPELL, DICTS[lang])
    enc = "utf-8"
    with open(base + ".aff", "rb") as fh:
        for raw in fh:
            m = re.match(rb"\s*SET\s+(\S+)", raw)
            if m:
                enc = m.group(1).decode("ascii").lower().replace("iso8859", "iso-8859")
                break
    words = []
    with open(base + ".dic", encoding=enc, errors="replace") as fh:
        next(fh, None)
        for line in fh:
            w = unicodedata.normalize("NFC", re.split(r"[/\t ]", line.strip(), maxsplit=1)[0])
            if 1 <= len(w) <= 14 and all(unicodedata.category(ch) in ("Ll", "Lu") for ch in w) \
                    and (len(w) == 1 or w[1:].islower()):
                words.append(w)
    rng.shuffle(words)
    plain = [w for w in words if w.islower() and len(w) > 3][:want]
    short = [w for w in words if w.islower() and len(w) <= 3][: want // 4]
    proper = [w for w in words if w[0].isupper() and len(w) > 1][: want // 8]
    return plain, proper, short


def non_ascii(w):
    return any(ord(ch) > 0x7F for ch in w)


def sentence(rng, lang, words, min_na=1):
    """A random line of 6-14 words with at least min_na words holding non-ASCII letters; about
    a third of the words are short ones (one to three letters: à, и, і, o, de, że)."""
    plain, proper, short = words
    na = [w for w in plain if non_ascii(w)] or plain
    n = rng.randint(6, 14)
    ws = [rng.choice(short if short and rng.random() < 0.35 else plain) for _ in range(n)]
    for i in rng.sample(range(n), min(min_na, n)):
        if not any(non_ascii(w) for w in ws[i:i + 1]):
            ws[i] = rng.choice(na)
    if proper and rng.random() < 0.5:
        ws[rng.randrange(n)] = rng.choice(proper)
    if rng.random() < 0.3:
        ws.insert(rng.randrange(n), str(rng.choice([rng.randint(2, 99), rng.randint(1990, 2030)])))
    ws[0] = ws[0][0].upper() + ws[0][1:]
    for _ in range(rng.randint(0, 2)):
        i = rng.randrange(1, len(ws))
        if ws[i - 1][-1].isalpha():
            ws[i - 1] += ","
    return " ".join(ws) + rng.choice([".", ".", ".", "!", "?" if lang != "el" else ";"])


def sloppy(data, cs):
    """Decodes bytes as charset cs; bytes it leaves undefined read as the C1 control."""
    out = []
    for b in data:
        try:
            out.append(bytes([b]).decode(cs))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def damage(text, cs, times=1):
    for _ in range(times):
        text = sloppy(text.encode("utf-8"), cs)
    return text


def charsets_of(lang):
    if lang in CYRILLIC:
        return ["cp1251", "koi8_u" if lang == "uk" else "koi8_r", "cp1252"]
    if lang in CENTRAL:
        return ["cp1250", "iso8859_2", "cp1252"]
    return ["cp1252", "latin-1"]


def damage_words(line, idxs, cs):
    parts = line.split(" ")
    for i in idxs:
        parts[i] = damage(parts[i], cs)
    return " ".join(parts)


def na_word_indexes(line):
    return [i for i, w in enumerate(line.split(" ")) if non_ascii(w)]


# ---- one generator per class: each returns (original, fixed, label) or None -------------

def gen_nbsp(rng, lang, words):
    line = sentence(rng, lang, words, min_na=rng.choice([0, 1, 2]))
    parts = line.split(" ")
    spots = []
    for _ in range(rng.randint(1, 2)):
        kind = rng.choice(["punct", "dash", "number", "thousands", "unit"])
        i = rng.randrange(1, len(parts))
        w = parts[i - 1].rstrip(",")
        if kind == "punct":
            parts[i - 1] = w + "\u00a0" + rng.choice([":", ";", "?", "!"])
        elif kind == "dash":
            parts[i - 1] = w + "\u00a0" + rng.choice(["–", "—"])
        elif kind == "number":
            parts[i - 1] = w + "\u00a0" + str(rng.randint(2, 500))
        elif kind == "thousands":
            parts[i - 1] = w + " " + str(rng.randint(1, 99)) + "\u00a0" + "%03d" % rng.randint(0, 999)
        else:
            parts[i - 1] = w + " " + str(rng.randint(2, 900)) + "\u00a0" + rng.choice(
                ["km", "%", "€", "kg", "m", "h", "°C"])
        spots.append(kind)
    fixed = " ".join(parts)
    flat = rng.random() < 0.4
    orig = fixed.replace("\u00a0", "Â " if flat else "Â\u00a0")
    return orig, fixed, f"nbsp {'flattened' if flat else 'kept'} {'+'.join(spots)}"


def gen_one_word(rng, lang, words):
    line = sentence(rng, lang, words, min_na=3)
    idx = na_word_indexes(line)
    if len(idx) < 2:
        return None
    i = rng.choice(idx)
    cs = rng.choice(charsets_of(lang)[:1] + ["cp1252"])
    parts = line.split(" ")
    word = parts[i]
    if lang == "el" and rng.random() < 0.5:
        # one byte of the word lost: cp1252's undefined bytes become '?' or U+FFFD
        b = word.encode("utf-8")
        lost = [k for k in range(len(b)) if b[k] in (0x81, 0x8D, 0x8F, 0x90, 0x9D)]
        if not lost:
            return None
        mark = rng.choice(["?", "\ufffd"])
        bad = sloppy(b, "cp1252")
        bad = "".join(mark if ord(ch) in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else ch for ch in bad)
        chars = []
        for ch in word:
            cb = ch.encode("utf-8")
            chars.append("\ufffd" if any(x in (0x81, 0x8D, 0x8F, 0x90, 0x9D) for x in cb) else ch)
        fixed_word = "".join(chars)
        orig = " ".join(parts[:i] + [bad] + parts[i + 1:])
        fixed = " ".join(parts[:i] + [fixed_word] + parts[i + 1:])
        return orig, fixed, f"one word, byte lost as {mark!r}"
    return damage_words(line, [i], cs), line, f"one word {cs}"


def gen_partial(rng, lang, words):
    line = sentence(rng, lang, words, min_na=5)
    idx = na_word_indexes(line)
    if len(idx) < 3:
        return None
    k = rng.randint(2, min(4, len(idx) - 1))
    cs = rng.choice(charsets_of(lang)[:2] if lang not in WESTERN else ["cp1252"])
    return damage_words(line, rng.sample(idx, k), cs), line, f"{k} words {cs}"


def gen_uk_ie(rng, lang, words):
    if lang not in CYRILLIC:
        return None
    letters = "іїєґ" if lang == "uk" else "ё"
    plain, proper, _ = words
    rich = [w for w in plain if any(ch in letters for ch in w)]
    starts = [w for w in rich if w[:2] in ("пі", "сі", "ві", "ні", "сё", "її", "ві", "зі", "ді")]
    line = sentence(rng, lang, words, min_na=0)
    parts = line.split(" ")
    for i in rng.sample(range(len(parts)), min(len(parts), rng.randint(3, 6))):
        parts[i] = rng.choice(starts if starts and rng.random() < 0.5 else rich)
    parts[0] = parts[0][0].upper() + parts[0][1:]
    line = " ".join(parts)
    cs = rng.choice(charsets_of(lang))
    if rng.random() < 0.5:
        return damage(line, cs), line, f"whole line {cs}"
    idx = [i for i, w in enumerate(line.split(" ")) if any(ch in letters for ch in w)]
    return damage_words(line, rng.sample(idx, rng.randint(1, len(idx))), cs), line, f"words {cs}"


def gen_central_koi8(rng, lang, words):
    if lang not in CENTRAL + CYRILLIC:
        return None
    line = sentence(rng, lang, words, min_na=2)
    cs = rng.choice(charsets_of(lang)[:2])
    return damage(line, cs), line, f"whole line {cs}"


def gen_punct_pair(rng, lang, words):
    if lang not in PUNCT_LANGS:
        return None
    plain, proper, _ = words
    pool = [w for w in plain + proper if any(ch in PUNCT_LETTERS for ch in w[1:-1])]
    if not pool:
        return None
    line = sentence(rng, lang, words, min_na=1)
    parts = line.split(" ")
    targets = rng.sample(range(1, len(parts)), min(len(parts) - 1, rng.randint(1, 2)))
    for i in targets:
        parts[i] = rng.choice(pool)
    q = QUOTES[lang]
    a, b = sorted(rng.sample(range(len(parts)), 2))
    parts[a] = q[0] + parts[a]
    parts[b] = parts[b] + q[1]
    line = " ".join(parts)
    if lang == "es" and rng.random() < 0.5:
        line = rng.choice(["¿", "¡"]) + line[:-1] + rng.choice(["?", "!"])
    cs = rng.choice(["cp1252", "latin-1"])
    idx = [i for i, w in enumerate(line.split(" ")) if any(ch in PUNCT_LETTERS for ch in w)]
    return damage_words(line, idx, cs), line, f"punct-letter words {cs}"


def gen_whole_line(rng, lang, words):
    line = sentence(rng, lang, words, min_na=2)
    cs = rng.choice([c for c in charsets_of(lang) if c in ("cp1252", "latin-1", "cp1251")])
    return damage(line, cs), line, f"whole line {cs}"


def gen_double(rng, lang, words):
    line = sentence(rng, lang, words, min_na=2)
    cs = "cp1251" if lang in CYRILLIC and rng.random() < 0.5 else "cp1252"
    return damage(line, cs, 2), line, f"whole line {cs} twice"


def gen_c1(rng, lang, words):
    if lang not in WESTERN:
        return None
    line = sentence(rng, lang, words, min_na=1)
    parts = line.split(" ")
    i = rng.randrange(len(parts) - 1)
    parts[i] = "“" + parts[i]
    parts[i + 1] = parts[i + 1] + rng.choice(["”", "…”", "”,"])
    if rng.random() < 0.5:
        parts.insert(rng.randrange(1, len(parts)), rng.choice(["–", "—", "€"]))
    if rng.random() < 0.5:
        j = rng.randrange(len(parts))
        parts[j] = parts[j] + "’s" if lang == "en" else parts[j]
    line = " ".join(parts)
    try:
        orig = line.encode("cp1252").decode("latin-1")
    except UnicodeEncodeError:
        return None
    return orig, line, "cp1252 punctuation as latin-1"


def gen_lost(rng, lang, words, mark="\ufffd"):
    line = sentence(rng, lang, words, min_na=3)
    cs = rng.choice([c for c in charsets_of(lang) if c.startswith("cp")])
    out, fixed = [], []
    for ch in line:
        b = ch.encode("utf-8")
        try:
            b.decode(cs)
            lost = False
        except UnicodeDecodeError:
            lost = True
        out.append(b.decode(cs, errors="replace").replace("\ufffd", mark))
        fixed.append("\ufffd" if lost else ch)
    if "\ufffd" not in fixed:
        return None
    return "".join(out), "".join(fixed), f"whole line {cs}, lost bytes as {mark!r}"


def gen_lost_qmark(rng, lang, words):
    return gen_lost(rng, lang, words, "?")


def gen_flattened(rng, lang, words):
    line = sentence(rng, lang, words, min_na=3)
    cs = rng.choice(charsets_of(lang))
    bad = damage(line, cs)
    if "\u00a0" not in bad:
        return None
    return bad.replace("\u00a0", " "), line, f"whole line {cs}, no-break spaces flattened"


def gen_clean(rng, lang, words):
    kind = rng.choice(["plain", "plain", "caps", "symbols", "kaomoji", "nbsp", "quotes",
                       "glued", "apostrophe"])
    line = sentence(rng, lang, words, min_na=rng.randint(0, 4))
    if kind == "caps":
        line = line.upper()
    elif kind == "symbols":
        parts = line.split(" ")
        for _ in range(rng.randint(1, 3)):
            s = rng.choice(SYMBOLS)
            parts.insert(rng.randrange(len(parts) + 1),
                         rng.choice([s, str(rng.randint(1, 99)) + s, s + str(rng.randint(1, 99))]))
        line = " ".join(parts)
    elif kind == "kaomoji":
        line = line + " " + rng.choice(KAOMOJI)
    elif kind == "nbsp":
        line = re.sub(r" ([:;?!»–])", "\u00a0\\1", line.replace(",", " :", 1))
        line = line.replace("« ", "«\u00a0")
    elif kind == "glued":  # symbols glued to words and numbers: n°5, 10€, ½kg, x²
        parts = line.split(" ")
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(parts))
            s_ = rng.choice(SYMBOLS + ["°", "²", "³", "¹", "ª", "º", "¿", "¡", "«", "»", "¨"])
            parts[i] = rng.choice([parts[i] + s_, s_ + parts[i]])
        line = " ".join(parts)
    elif kind == "apostrophe":  # elisions and Ukrainian apostrophes between letters
        parts = line.split(" ")
        for _ in range(rng.randint(1, 2)):
            i = rng.randrange(len(parts) - 1)
            if parts[i][-1].isalpha():
                parts[i:i + 2] = [parts[i] + rng.choice(["’", "ʼ", "'"]) + parts[i + 1]]
        line = " ".join(parts)
    elif kind == "quotes":
        q = QUOTES[lang]
        parts = line.split(" ")
        a, b = sorted(rng.sample(range(len(parts)), 2))
        parts[a], parts[b] = q[0] + parts[a], parts[b] + q[1]
        line = " ".join(parts)
    return line, line, f"clean {kind}"


def gen_clean_caps(rng, lang, words):
    """All-caps lines whose words end in Ã or Â (Portuguese, Romanian, French), Â before a
    space or a no-break space: what class 1's rule must leave."""
    if lang not in ("pt", "ro", "fr", "vi"):
        return None
    plain, _, _ = words
    ends = [w for w in plain if w[-1] in "ãâ" or "â" in w or "ã" in w]
    if not ends:
        return None
    line = sentence(rng, lang, words, min_na=0).upper()
    parts = line.split(" ")
    for i in rng.sample(range(len(parts)), min(len(parts), 3)):
        parts[i] = rng.choice(ends).upper()
    line = " ".join(parts)
    if rng.random() < 0.5:  # one no-break space after a word ending in Ã or Â
        line = re.sub("([ÃÂ]) ", "\\1\u00a0", line, count=1)
    return line, line, "clean caps"


# (class, generator, lines per language as a multiple of --per: classes that only some
# languages have get more lines in each)
def gen_clean_mixed(rng, lang, words_all):
    """A line in one language with words of another script (names, quotations)."""
    other = rng.choice([l for l in LANGS if l != lang])
    words, alien = words_all[lang], words_all[other]
    line = sentence(rng, lang, words, min_na=rng.randint(0, 3))
    parts = line.split(" ")
    for _ in range(rng.randint(1, 3)):
        w = rng.choice(alien[1] or alien[0])
        parts.insert(rng.randrange(1, len(parts)), rng.choice([w, "(" + w + ")", "«" + w + "»"]))
    line = " ".join(parts)
    return line, line, f"clean mixed with {other}"


CLASSES = [("nbsp", gen_nbsp, 1), ("one-word", gen_one_word, 1), ("partial", gen_partial, 1),
           ("uk-ie", gen_uk_ie, 5), ("central-koi8", gen_central_koi8, 2),
           ("punct-pair", gen_punct_pair, 2), ("whole-line", gen_whole_line, 1),
           ("double", gen_double, 1), ("c1", gen_c1, 2), ("lost", gen_lost, 1),
           ("lost-qmark", gen_lost_qmark, 1), ("flattened", gen_flattened, 1), ("clean", gen_clean, 3),
           ("clean", gen_clean_caps, 2), ("clean", gen_clean_mixed, 2)]


def generate(seed, per):
    rng = random.Random(seed)
    words = {lang: read_words(lang, random.Random(seed * 100 + i)) for i, lang in enumerate(LANGS)}
    cases = []
    for cname, gen, mult in CLASSES:
        for lang in LANGS:
            made, tries, want = 0, 0, per * mult
            while made < want and tries < want * 20:
                tries += 1
                r = gen(rng, lang, words if gen is gen_clean_mixed else words[lang])
                if not r:
                    if tries > 5 and made == 0:
                        break
                    continue
                orig, fixed, label = r
                if (orig == fixed) != (cname == "clean"):
                    continue
                cases.append({"label": f"{cname} {lang}: {label}", "original": orig,
                              "fixed": fixed, "expect": "pass", "class": cname, "lang": lang})
                made += 1
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per", type=int, default=20, help="lines per class and language")
    ap.add_argument("-o", "--out", default=".")
    a = ap.parse_args()
    missing = [l for l, d in DICTS.items() if not os.path.exists(os.path.join(HUNSPELL, d + ".dic"))]
    if missing:
        sys.exit(f"mojibake_gen: no hunspell dictionary for {' '.join(missing)} "
                 "(tools/setup --with-extras installs them)")
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, f"generated-{a.seed}.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(generate(a.seed, a.per), fh, ensure_ascii=False, indent=0)
    print(path)


if __name__ == "__main__":
    main()
