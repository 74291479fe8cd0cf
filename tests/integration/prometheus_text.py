"""A checker of the Prometheus text exposition format (0.0.4), the checks of `promtool check
metrics` that matter for a scrape to work: comment and sample syntax, metric and label names,
one TYPE per family before its samples, counters named *_total, no series twice, and
histograms whose buckets grow, end at +Inf and agree with _count."""
import math
import re

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(\{(?:%s(?:,%s)*)?\})? (\S+)$" % (NAME, LABEL, LABEL))
LABEL_PAIR = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_value(text):
    if text in ("+Inf", "Inf"):
        return math.inf
    if text == "-Inf":
        return -math.inf
    return float(text)  # NaN too


def check(text):
    """Returns the problems found (empty: valid), each naming its line."""
    problems = []
    types = {}
    seen = set()
    buckets = {}  # (family, labels without le) -> [(le, count)]
    counts = {}
    if text and not text.endswith("\n"):
        problems.append("the exposition must end with a newline")
    for n, line in enumerate(text.splitlines(), 1):
        if not line:
            continue
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                if not re.fullmatch(NAME, parts[2]):
                    problems.append("line %d: bad metric name %r" % (n, parts[2]))
                if parts[1] == "TYPE":
                    if len(parts) != 4 or parts[3] not in TYPES:
                        problems.append("line %d: bad TYPE line" % n)
                    elif parts[2] in types:
                        problems.append("line %d: second TYPE for %s" % (n, parts[2]))
                    else:
                        types[parts[2]] = parts[3]
                        if parts[3] == "counter" and not parts[2].endswith("_total"):
                            problems.append("line %d: counter %s should end in _total" % (n, parts[2]))
            continue
        m = SAMPLE.match(line)
        if not m:
            problems.append("line %d: not a sample: %r" % (n, line))
            continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        try:
            v = parse_value(value)
        except ValueError:
            problems.append("line %d: bad value %r" % (n, value))
            continue
        pairs = LABEL_PAIR.findall(labels)
        if len({k for k, _ in pairs}) != len(pairs):
            problems.append("line %d: a label twice" % n)
        key = (name, tuple(sorted(pairs)))
        if key in seen:
            problems.append("line %d: series %s%s twice" % (n, name, labels))
        seen.add(key)
        family = name
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix) and types.get(name[: -len(suffix)]) == "histogram":
                family = name[: -len(suffix)]
        if family not in types:
            problems.append("line %d: sample of %s before its TYPE" % (n, name))
            continue
        if types[family] == "histogram":
            rest = tuple(sorted((k, x) for k, x in pairs if k != "le"))
            if name == family + "_bucket":
                le = dict(pairs).get("le")
                if le is None:
                    problems.append("line %d: bucket without le" % n)
                else:
                    buckets.setdefault((family, rest), []).append((parse_value(le), v))
            elif name == family + "_count":
                counts[(family, rest)] = v
            elif name != family + "_sum":
                problems.append("line %d: %s in histogram %s" % (n, name, family))
    for key, bs in buckets.items():
        les = [le for le, _ in bs]
        if les != sorted(les) or not bs or bs[-1][0] != math.inf:
            problems.append("histogram %s%s: buckets out of order or no +Inf" % key)
        elif any(b[1] < a[1] for a, b in zip(bs, bs[1:])):
            problems.append("histogram %s%s: bucket counts decrease" % key)
        elif counts.get(key) != bs[-1][1]:
            problems.append("histogram %s%s: _count differs from the +Inf bucket" % key)
    return problems
