#!/usr/bin/env python3
"""Generates news-like JSON Lines articles for benchmarks (deterministic for a seed).

    bench/generate_articles.py --count 100000 --avg-bytes 3000 > articles.jsonl

Each article has id, url, title, text (paragraphs of sentences built from templates with
varying names, places, numbers and typographic quotes), published_at, source and a few
extra fields, like a crawler's output. With --source FILE.jsonl (repeatable; JSON Lines
with "text", one sentence per line, and "title", e.g. the *.articles.jsonl of
../shared/data/ner), titles are real titles and paragraphs are runs of 2-5 consecutive real
sentences from random source articles, so the text reads and tags like real news while every
generated article is still a new combination. --duplicates SHARE re-sends that share of earlier
articles (same text, new id/url/title), for dedup benchmarks; --html SHARE sends that share
as html instead of text.
"""
import argparse
import json
import random
import sys

PEOPLE = ["Antony Blinken", "Ursula von der Leyen", "Olaf Scholz", "Emmanuel Macron", "Narendra Modi",
          "Luiz Inácio Lula da Silva", "Pedro Sánchez", "Giorgia Meloni", "Cyril Ramaphosa", "Fumio Kishida",
          "Jens Stoltenberg", "Christine Lagarde", "Jerome Powell", "Kristalina Georgieva", "António Guterres",
          "Recep Tayyip Erdoğan", "Mark Rutte", "Anthony Albanese", "Justin Trudeau", "Claudia Sheinbaum"]
ORGS = ["the European Central Bank", "the United Nations", "NATO", "the World Bank", "Siemens", "Toyota",
        "the International Monetary Fund", "Reuters", "the World Health Organization", "Airbus", "Nestlé",
        "the Federal Reserve", "Samsung Electronics", "the African Union", "Petrobras", "Volkswagen"]
PLACES = ["Brussels", "Geneva", "São Paulo", "New Delhi", "Tokyo", "Nairobi", "Berlin", "Madrid", "Jakarta",
          "Washington", "Mexico City", "Istanbul", "Canberra", "Ottawa", "Lagos", "Kraków", "Zürich"]
TOPICS = ["inflation", "grain exports", "interest rates", "the climate summit", "the trade agreement",
          "energy prices", "the ceasefire talks", "the budget deficit", "vaccine supplies", "the election",
          "semiconductor output", "the peace plan", "fishing quotas", "the rail strike", "water shortages"]
VERBS = ["said", "told reporters", "warned", "announced", "confirmed", "denied", "argued", "insisted"]
TEMPLATES = [
    "{person} {verb} on {day} that {topic} would remain the top priority for {org}.",
    "Speaking in {place}, {person} {verb} that talks on {topic} had made “real progress”.",
    "{org} {verb} that {topic} rose {pct} percent in the {quarter} quarter, above analysts’ forecasts.",
    "Officials in {place} expect a decision on {topic} within {n} weeks, according to two people familiar with the matter.",
    "“We are not there yet,” {person} {verb}, adding that {org} would meet again in {place} next month.",
    "Shares of {org} fell {pct} percent in early trading after the announcement.",
    "The agreement, worth about {n} billion euros, still needs approval from lawmakers in {place}.",
    "Critics say the plan does little to address {topic}, which has dominated the debate for months.",
    "{person} is due to travel to {place} on {day} for meetings with {org}.",
    "Police in {place} said {n} people had been detained after protests over {topic}.",
    "The figures, published by {org} on {day}, showed {topic} easing for the {ordinal} month in a row.",
    "Analysts at {org} cut their forecast for {topic} to {pct} percent from {pct2} percent.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SOURCES = ["Harbour Gazette", "Coastal Wire", "The Morning Ledger", "Metro Daily", "Granite City News"]


def sentence(rng):
    return rng.choice(TEMPLATES).format(
        person=rng.choice(PEOPLE), org=rng.choice(ORGS), place=rng.choice(PLACES), topic=rng.choice(TOPICS),
        verb=rng.choice(VERBS), day=rng.choice(DAYS), n=rng.randrange(2, 900), pct="%.1f" % rng.uniform(0.1, 9.9),
        pct2="%.1f" % rng.uniform(0.1, 9.9), quarter=rng.choice(["first", "second", "third", "fourth"]),
        ordinal=rng.choice(["second", "third", "fourth", "fifth"]))


def real_sentences(rng, pool):
    lines = rng.choice(pool)[1]
    n = min(len(lines), rng.randrange(2, 6))
    start = rng.randrange(len(lines) - n + 1)
    return lines[start:start + n]


def body(rng, target, pool=None):
    paragraphs, size = [], 0
    while size < target:
        p = " ".join(real_sentences(rng, pool) if pool else [sentence(rng) for _ in range(rng.randrange(2, 5))])
        paragraphs.append(p)
        size += len(p.encode()) + 2
    return "\n\n".join(paragraphs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--avg-bytes", type=int, default=3000, help="average text size in bytes")
    ap.add_argument("--duplicates", type=float, default=0.0, help="share of re-sent earlier articles")
    ap.add_argument("--html", type=float, default=0.0, help="share of articles sent as html")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--source", action="append", default=[],
                    help="JSON Lines of real articles to draw titles and sentences from (repeatable)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pool = []  # (title, [sentence lines of 40+ bytes]) per source article
    for path in args.source:
        with open(path, encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                lines = [l.strip() for l in a.get("text", "").split("\n") if len(l.strip().encode()) >= 40]
                if lines:
                    pool.append((a.get("title") or lines[0], lines))
    out = sys.stdout
    bodies = []
    for i in range(args.count):
        if bodies and rng.random() < args.duplicates:
            text = rng.choice(bodies)
        else:
            text = body(rng, int(rng.uniform(0.5, 1.5) * args.avg_bytes), pool)
            if len(bodies) < 10000:
                bodies.append(text)
            else:
                bodies[rng.randrange(len(bodies))] = text
        source = rng.choice(SOURCES)
        slug = "-".join(sentence(rng).split()[:5]).lower().strip(".,“”’")
        article = {
            "id": "bench-%07d" % i,
            "url": "https://www.%s.example/news/2026/11/%02d/%s-%d" % (
                source.lower().replace(" ", "-"), rng.randrange(1, 29), "".join(c for c in slug if c.isalnum() or c == "-"), i),
            "title": (rng.choice(pool)[0] if pool else sentence(rng))[:120],
            "published_at": "2026-11-%02dT%02d:%02d:00Z" % (rng.randrange(1, 29), rng.randrange(24), rng.randrange(60)),
            "source": source,
            "section": rng.choice(["world", "business", "politics", "sport", "science"]),
            "crawl": {"fetched_at": "2026-11-25T10:00:00Z", "status": 200, "bytes": len(text)},
        }
        if rng.random() < args.html:
            article["html"] = "<html><body><article>" + "".join(
                "<p>%s</p>" % p.replace("&", "&amp;").replace("<", "&lt;") for p in text.split("\n\n")) + \
                "</article><footer>All rights reserved.</footer></body></html>"
        else:
            article["text"] = text
        out.write(json.dumps(article, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
