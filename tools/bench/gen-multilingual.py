#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes about N MB of multilingual news-like UTF-8 text (en fr de uk ru) to stdout.

Sentences are assembled from word lists and templates written for copydesk's benchmarks, so
that the text has the shape of wire copy: capitalised names, numbers, quotes, dashes,
accented Latin and Cyrillic. Deterministic (seeded) so runs are comparable.
usage: gen-multilingual.py [MEGABYTES] [--damage]   (--damage adds mojibake, controls, NFD)
"""
import random
import sys
import unicodedata

MB = float(sys.argv[1]) if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else 50
DAMAGE = "--damage" in sys.argv
rnd = random.Random(20261122)

LANGS = {
    "en": (["The minister", "Officials", "The president", "A spokesperson", "Analysts"],
           ["said", "warned", "announced", "confirmed", "denied"],
           ["that talks in {city} would resume on {day}", "a new aid package of {num} million euros",
            "that {num} people had been evacuated from {city}", "the deal \"would not change anything\"",
            "plans to open two factories near {city} - a first for the region"]),
    "fr": (["Le ministre", "Les autorités", "Le président", "Une porte-parole", "Les analystes"],
           ["a déclaré", "ont averti", "a annoncé", "a confirmé", "ont démenti"],
           ["que les négociations à {city} reprendraient {day}", "une aide de {num} millions d'euros",
            "que {num} personnes avaient été évacuées de {city}", "que l'accord « ne changerait rien »",
            "l'ouverture de deux usines près de {city} : une première"]),
    "de": (["Der Minister", "Die Behörden", "Der Präsident", "Eine Sprecherin", "Beobachter"],
           ["sagte", "warnten", "kündigte an", "bestätigte", "dementierten"],
           ["dass die Gespräche in {city} am {day} weitergehen", "ein Hilfspaket über {num} Millionen Euro",
            "dass {num} Menschen aus {city} evakuiert wurden", "die Einigung werde „nichts ändern“",
            "zwei Fabriken bei {city} – eine Premiere für die Region"]),
    "uk": (["Міністр", "Посадовці", "Президент", "Речниця", "Аналітики"],
           ["заявив", "попередили", "оголосив", "підтвердив", "заперечили"],
           ["що переговори в {city} відновляться {day}", "новий пакет допомоги на {num} мільйонів євро",
            "що {num} людей евакуювали з {city}", "що угода «нічого не змінить»",
            "відкриття двох заводів біля {city} — уперше для регіону"]),
    "ru": (["Министр", "Чиновники", "Президент", "Пресс-секретарь", "Аналитики"],
           ["заявил", "предупредили", "объявил", "подтвердил", "опровергли"],
           ["что переговоры в {city} возобновятся {day}", "новый пакет помощи на {num} миллионов евро",
            "что {num} человек эвакуировали из {city}", "что соглашение «ничего не изменит»",
            "открытие двух заводов возле {city} — впервые для региона"]),
}
CITIES = {"en": ["Kyiv", "Kharkiv", "Odesa", "Brussels", "Paris"], "fr": ["Kiev", "Kharkiv", "Odessa", "Bruxelles", "Paris"],
          "de": ["Kiew", "Charkiw", "Odessa", "Brüssel", "Paris"], "uk": ["Києві", "Харкові", "Одесі", "Брюсселі", "Парижі"],
          "ru": ["Киеве", "Харькове", "Одессе", "Брюсселе", "Париже"]}
DAYS = {"en": ["Monday", "Tuesday"], "fr": ["lundi", "mardi"], "de": ["Montag", "Dienstag"],
        "uk": ["у понеділок", "у вівторок"], "ru": ["в понедельник", "во вторник"]}


def sentence(lang):
    subj, verbs, objs = LANGS[lang]
    obj = rnd.choice(objs).format(city=rnd.choice(CITIES[lang]), day=rnd.choice(DAYS[lang]),
                                  num=rnd.randint(2, 9000))
    return f"{rnd.choice(subj)} {rnd.choice(verbs)} {obj}."


def damage(line):
    r = rnd.random()
    if r < 0.02:
        return line.encode("utf-8").decode("cp1252", errors="replace")
    if r < 0.03:
        return unicodedata.normalize("NFD", line)
    if r < 0.035:
        return line.replace(" ", "\u200b ", 1)
    return line


out = sys.stdout
target = int(MB * 1024 * 1024)
written = 0
langs = list(LANGS)
while written < target:
    lang = rnd.choice(langs)
    para = " ".join(sentence(lang) for _ in range(rnd.randint(2, 5)))
    if DAMAGE:
        para = damage(para)
    data = para + "\n\n"
    out.write(data)
    written += len(data.encode("utf-8"))
