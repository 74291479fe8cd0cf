"""tools/ner_train: trains a model that newsflowd loads and that tags what it learned.

Articles are generated here from sentence patterns (seeded, so every run is the same); the
dev articles use names the training articles never contain, so the model must have learned
context and word shape, not a list. The daemon's spans must be the trainer's: the trainer
scores dev with the code the processor runs.
"""
import json
import os
import random
import re
import subprocess
import tempfile
import unittest

NER_TRAIN = os.environ.get("NER_TRAIN", "build/tools/ner_train")
NEWSFLOWD = os.environ.get("NEWSFLOWD", "build/app/newsflowd")

FIRST = ["Anna", "Pedro", "Maria", "John", "Kenji", "Olga", "Tomas", "Fatima", "Liam", "Sofia",
         "Ahmed", "Grace", "Ivan", "Chloe", "Diego", "Hannah", "Ravi", "Elena", "Marco", "Nadia"]
LAST = ["Smith", "Garcia", "Novak", "Tanaka", "Okafor", "Jensen", "Rossi", "Kowalski", "Haddad",
        "Larsen", "Moreau", "Silva", "Petrov", "Nguyen", "Fischer", "Costa", "Brennan", "Ortiz"]
PLACES = ["Lisbon", "Oslo", "Nairobi", "Lima", "Hanoi", "Dublin", "Quito", "Warsaw", "Tunis",
          "Manila", "Accra", "Riga", "Bogota", "Perth", "Kiev", "Porto", "Dakar", "Bern"]
ORG_STEMS = ["Norvik", "Altana", "Brightwell", "Castor", "Delmont", "Everline", "Fenwick",
             "Galloway", "Harlan", "Ironside", "Juniper", "Kestrel", "Lumen", "Meridian"]
ORG_TAILS = ["Corp", "Bank", "Airlines", "Group", "Motors"]
NATIONS = ["French", "German", "Italian", "Brazilian", "Kenyan", "Polish", "Danish", "Peruvian"]

# {P}: a person, {L}: a place, {O}: an organisation, {M}: a nationality (MISC).
PATTERNS = [
    "{P} arrived in {L} on Monday .",
    "{O} said on Tuesday that profits rose in {L} .",
    "Shares of {O} fell after {P} resigned .",
    "The {M} minister met {P} in {L} .",
    "{P} , a spokesman for {O} , declined to comment .",
    "Police in {L} said {P} was released .",
    "{O} will open a factory near {L} next year , {P} said .",
    "A {M} court fined {O} on Friday .",
]
TYPES = {"P": "PER", "L": "LOC", "O": "ORG", "M": "MISC"}


def split_names(rng):
    """Names of each kind, split into training and dev names that never overlap (a dev person
    may share a first or a last name with a training one, as in the news)."""
    people = [f"{f} {l}" for f in FIRST for l in LAST]
    orgs = [f"{s} {t}" for s in ORG_STEMS for t in ORG_TAILS]
    kinds = {"P": people, "L": list(PLACES), "O": orgs, "M": list(NATIONS)}
    train, dev = {}, {}
    for kind, names in kinds.items():
        rng.shuffle(names)
        cut = len(names) * 3 // 4
        train[kind], dev[kind] = names[:cut], names[cut:]
    return train, dev


def article(rng, names, ident, sentences, patterns=PATTERNS):
    lines, entities = [], []
    offset = 0
    for _ in range(sentences):
        pattern = rng.choice(patterns)
        line = ""
        for part in re.split(r"(\{[PLOM]\})", pattern):
            if part.startswith("{"):
                kind = part[1]
                name = rng.choice(names[kind])
                entities.append({"start": offset + len(line), "end": offset + len(line) + len(name),
                                 "type": TYPES[kind], "text": name})
                line += name
            else:
                line += part
        lines.append(line)
        offset += len(line) + 1
    text = "\n".join(lines)
    return {"id": ident, "title": lines[0], "text": text, "gold_entities": entities}


def write(path, articles):
    with open(path, "w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps(a) + "\n")


def tag(workdir, model, articles):
    """The records newsflowd process writes for `articles` (a JSON Lines file) with `model`
    as the English entity model and no name lists, clusters or vectors."""
    config = os.path.join(workdir, "config.yaml")
    with open(config, "w") as f:
        f.write("output:\n  pipeline_info: none\nchain:\n  - normalize\n"
                f"  - {{type: entities, models: {{en: {model}}}, gazetteers: '', "
                "word_clusters: '', word_vectors: ''}\n")
    out = os.path.join(workdir, "out.jsonl")
    run = subprocess.run([NEWSFLOWD, "process", "--config", config, "--input", articles,
                          "--output", out, "--quiet"], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        raise AssertionError(f"newsflowd process exited {run.returncode}: {run.stderr}")
    with open(out, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


class NerTrainTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        rng = random.Random(7)
        train_names, dev_names = split_names(rng)
        cls.train = os.path.join(cls.dir.name, "train.jsonl")
        cls.dev = os.path.join(cls.dir.name, "dev.jsonl")
        cls.model = os.path.join(cls.dir.name, "ner-en.bin")
        write(cls.train, [article(rng, train_names, f"t{i}", 8) for i in range(120)])
        cls.dev_articles = [article(rng, dev_names, f"d{i}", 8) for i in range(40)]
        write(cls.dev, cls.dev_articles)
        run = subprocess.run([NER_TRAIN, "--train", cls.train, "--dev", cls.dev, "--language", "en",
                              "--epochs", "6", "--seed", "1", "--out", cls.model],
                             capture_output=True, text=True, timeout=300)
        cls.train_run = run

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_training_learns_names_it_never_saw(self):
        run = self.train_run
        self.assertEqual(run.returncode, 0, run.stderr)
        saved = re.search(r"saved 2 stage\(s\) \(dev F1 ([0-9.]+)\)", run.stdout)
        self.assertIsNotNone(saved, run.stdout[-2000:])
        self.assertGreaterEqual(float(saved.group(1)), 90.0, run.stdout[-2000:])

    def test_the_daemon_tags_with_the_trained_model_as_the_trainer_scored_it(self):
        self.assertEqual(self.train_run.returncode, 0, self.train_run.stderr)
        gold = {a["id"]: a for a in self.dev_articles}
        tp = predicted = expected = 0
        for record in tag(self.dir.name, self.model, self.dev):
            g = gold[record["id"]]
            found = {(e["start"], e["end"], e["type"]) for e in record["enrichment"]["entities"]
                     if e.get("field", "text") == "text"}
            want = {(e["start"], e["end"], e["type"]) for e in g["gold_entities"]}
            tp += len(found & want)
            predicted += len(found)
            expected += len(want)
        f1 = 200.0 * tp / (predicted + expected)
        trainer_f1 = float(re.search(r"dev F1 ([0-9.]+)\) to", self.train_run.stdout).group(1))
        self.assertAlmostEqual(f1, trainer_f1, delta=0.01)

    def test_a_model_trained_with_other_name_lists_is_refused(self):
        self.assertEqual(self.train_run.returncode, 0, self.train_run.stderr)
        lists = os.path.join(self.dir.name, "lists.tsv")
        with open(lists, "w") as f:
            f.write("city\tLisbon\n")
        config = os.path.join(self.dir.name, "other-lists.yaml")
        with open(config, "w") as f:
            f.write(f"chain:\n  - {{type: entities, models: {{en: {self.model}}}, gazetteers: {lists}, "
                    "word_clusters: '', word_vectors: ''}\n")
        run = subprocess.run([NEWSFLOWD, "check-config", "--config", config], capture_output=True,
                             text=True, timeout=60)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("chain[0]", run.stderr + run.stdout)

    def test_missing_arguments_print_the_usage(self):
        run = subprocess.run([NER_TRAIN, "--train", self.train], capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 2)
        self.assertIn("usage: ner_train", run.stderr)


QUOTED_PATTERNS = [
    '{P} told the newspaper "{O}" on Monday .',
    'Readers in {L} trust "{O}" more than any other paper .',
    '{P} wrote for "{O}" before moving to {L} .',
]


class EnclosingQuotesTest(unittest.TestCase):
    """--enclosing-quotes include: a training file that leaves the quotes around a name out of
    its entity (CoNLL-2002 Spanish does so in its first half, and not after) teaches the model
    to tag the quotes with the name, as the rest of the data has it."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        rng = random.Random(11)
        train_names, dev_names = split_names(rng)
        cls.train = os.path.join(cls.dir.name, "train.jsonl")
        cls.dev = os.path.join(cls.dir.name, "dev.jsonl")
        patterns = PATTERNS + QUOTED_PATTERNS
        train = [article(rng, train_names, f"t{i}", 8, patterns) for i in range(120)]
        dev = [article(rng, dev_names, f"d{i}", 8, patterns) for i in range(20)]
        write(cls.train, train)  # entities as generated: without their quotes
        cls.quoted = sum(1 for a in train for e in a["gold_entities"]
                         if a["text"][e["start"] - 1:e["start"]] == '"' and a["text"][e["end"]:e["end"] + 1] == '"')
        write(cls.dev, dev)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def tagged(self, *flags):
        model = os.path.join(self.dir.name, "ner-en.bin")
        run = subprocess.run([NER_TRAIN, "--train", self.train, "--dev", self.dev, "--language", "en",
                              "--epochs", "6", "--seed", "1", "--out", model, *flags],
                             capture_output=True, text=True, timeout=300)
        self.assertEqual(run.returncode, 0, run.stderr)
        names = [e["text"] for record in tag(self.dir.name, model, self.dev)
                 for e in record["enrichment"]["entities"] if e["field"] == "text"]
        return run.stdout, [n for n in names if '"' in n], names

    def test_the_quotes_are_tagged_with_the_name_when_asked(self):
        self.assertGreater(self.quoted, 50)
        stdout, with_quotes, names = self.tagged("--enclosing-quotes", "include")
        self.assertIn(f"train: {self.quoted} entities widened to the quotes around them", stdout)
        whole = [n for n in with_quotes if re.fullmatch(r'"[^"]+"', n)]
        self.assertGreater(len(whole), 10, names[:40])
        self.assertGreaterEqual(len(whole), 0.9 * len(with_quotes), with_quotes)

    def test_the_file_is_followed_by_default(self):
        stdout, with_quotes, names = self.tagged()
        self.assertNotIn("widened", stdout)
        self.assertGreater(len(names), 100)
        self.assertEqual(with_quotes, [])

    def test_another_value_is_refused(self):
        run = subprocess.run([NER_TRAIN, "--train", self.train, "--dev", self.dev, "--language", "en",
                              "--out", os.path.join(self.dir.name, "x.bin"), "--enclosing-quotes", "yes"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 2)
        self.assertIn("--enclosing-quotes", run.stderr)
        run = subprocess.run([NER_TRAIN, "--train", self.train, "--dev", self.dev, "--language", "en",
                              "--out", os.path.join(self.dir.name, "x.bin"), "--quote-features", "no"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 2)
        self.assertIn("--quote-features", run.stderr)


if __name__ == "__main__":
    unittest.main()
