"""Load tests: the real `newsflowd run` with the full chain (normalize, langid, dedup,
entities, shipped models) against `newsflowd devbroker`, fed by kcat at a fixed rate.

- Overload: input produced several times faster than the chain can take it, for a while. The
  daemon's peak RSS must stay under the memory bound its configuration sets (docs/operations.md,
  "Sizing memory"), /healthz must answer throughout, and once the input stops the lag must go
  back to 0 with every input out (enriched or dead-lettered).
- Soak: mixed traffic (articles, near-duplicates, HTML, bad messages, big articles) at a rate
  the daemon keeps up with, with the daemon stopped and started again every few seconds —
  alternately SIGTERM and kill -9. Nothing may be lost, and within each instance's life RSS
  must level off (no leak).

CI runs them short; NEWSFLOW_OVERLOAD_SECONDS, NEWSFLOW_SOAK_SECONDS and
NEWSFLOW_SOAK_RESTART_SECONDS make them long (docs/reliability.md has the figures of long
runs). Every figure is printed on a FIGURES line."""
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from collections import Counter

from harness import close_daemons, Daemon, DevBroker, free_port, http_get, wait_until

MODELS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "models"))
# Input and output partitions. Overload: the development broker keeps 5 MiB per partition, so
# the backlog needs many. Soak: few, since the development broker walks a partition's whole
# log on every fetch (its cost grows with partitions x retained batches).
OVERLOAD_PARTITIONS = int(os.environ.get("NEWSFLOW_LOAD_PARTITIONS", "64"))
SOAK_PARTITIONS = 8
MIB = 1 << 20

# The terms of the memory bound (docs/operations.md, "Sizing memory"), set in the config below.
IN_FLIGHT_BYTES = 8 * MIB
CONSUMER_QUEUE_KIB = 16384
FETCH_MAX_BYTES = 8 * MIB
PRODUCER_QUEUE_KIB = 16384
DEDUP_ENTRIES = 50000
CONFIG = """
pipeline: {workers: %(workers)d, max_in_flight: 128, max_in_flight_bytes: %(in_flight_bytes)d}
output: {pipeline_info: version}
logging: {level: info}
chain:
  - normalize
  - {type: langid, model: %(models)s/lid.176.ftz}
  - {type: dedup, max_entries: %(dedup_entries)d, state_dir: "%(state_dir)s"}
  - type: entities
    models: {en: %(models)s/ner-en.bin, es: %(models)s/ner-es.bin, nl: %(models)s/ner-nl.bin}
    gazetteers: %(models)s/gazetteers.tsv
    word_clusters: %(models)s/word-clusters.tsv
    word_vectors: %(models)s/word-vectors.bin
    aliases: %(models)s/entity-aliases.tsv
    word_cache: %(word_cache)d
kafka:
  commit_interval_ms: 1000
  shutdown_timeout_ms: 20000
  consumer:
    queued.max.messages.kbytes: %(consumer_queue_kib)d
    fetch.max.bytes: %(fetch_max_bytes)d
    fetch.wait.max.ms: 10
    session.timeout.ms: 6000
    statistics.interval.ms: 1000
  producer: {queue.buffering.max.kbytes: %(producer_queue_kib)d}
"""
WORKERS = 1  # overload: the flood comes from the feed; one worker leaves a core to the broker and kcat
WORD_CACHE = 16384
# What the daemon holds whatever its limits: binary, libraries, the shipped models (~90 MiB
# measured idle with this chain), plus what each limit allows (docs/operations.md, "Sizing
# memory"), plus allocator slack.
BASE_MIB = 100
WORD_CACHE_ENTRY_BYTES = 750   # entities: a cached word type, per worker and language
LANGUAGES = 3
MEMORY_STORE_ENTRY_BYTES = 1024  # dedup without state_dir: a remembered article, generously
ROCKSDB_ENTRY_BYTES = 512        # with state_dir: what stays in memory per article ...
ROCKSDB_FIXED_MIB = 48           # ... plus RocksDB's two 16 MiB memtables and its block cache
SLACK = 1.25
LEVELS_OFF_AFTER_S = 120  # an instance that lived this long must show RSS levelling off:
LEAK_MIB = 32  # less growth than this from the middle to the last third of its life (RocksDB's
               # two 16 MiB memtables fill and flush in steps that size; a leak keeps growing)


def memory_bound_mib(workers, state_dir):
    dedup = (DEDUP_ENTRIES * ROCKSDB_ENTRY_BYTES + ROCKSDB_FIXED_MIB * MIB if state_dir
             else DEDUP_ENTRIES * MEMORY_STORE_ENTRY_BYTES)
    return SLACK * (BASE_MIB * MIB + workers * LANGUAGES * WORD_CACHE * WORD_CACHE_ENTRY_BYTES + dedup
                    + IN_FLIGHT_BYTES + CONSUMER_QUEUE_KIB * 1024 + FETCH_MAX_BYTES + PRODUCER_QUEUE_KIB * 1024) / MIB


def report(name, **figures):
    print("\nFIGURES %s: %s" % (name, json.dumps(figures)), file=sys.stderr)


WORDS = ("the government said on tuesday that talks with officials would resume next week after "
         "markets fell sharply amid concerns over inflation energy prices and trade while police "
         "reported protests in the capital where the minister met union leaders to discuss budget "
         "cuts pensions wages exports growth elections parliament vote court ruling company shares "
         "profit quarter investors bank interest rates central analysts expect recovery").split()
NAMES = ("Angela Merkel", "Emmanuel Macron", "Joe Biden", "Reuters", "United Nations", "Berlin", "Paris",
         "London", "Madrid", "Amsterdam", "Microsoft", "Deutsche Bank", "Olaf Scholz", "Brussels")
SPANISH = ("el gobierno anunció ayer en Madrid que las negociaciones con los sindicatos continuarán la "
           "próxima semana tras la caída de la bolsa y el aumento de los precios de la energía").split()


def make_article(n, rng):
    """One input: (key, value bytes). Mostly ~500-byte English articles; some Spanish, some
    near-duplicates of an earlier one, some HTML, some not JSON at all, rarely a big one."""
    key = b"k%d" % n
    kind = n % 100
    if kind == 13:
        return key, b'{"id": "bad%d", "text": ' % n  # cut short: dead-lettered
    if n % 5000 == 4999:
        words = rng.choices(WORDS, k=40000)  # ~250 KB
        return key, json.dumps({"id": "a%d" % n, "title": "Long read %d" % n, "text": " ".join(words)}).encode()
    source = rng.randrange(max(1, n - 1000), n + 1) if kind in (7, 57) else n  # a near-duplicate
    r = random.Random(source)
    vocab = SPANISH if source % 10 == 3 else WORDS
    sentences = []
    for _ in range(5):
        words = r.choices(vocab, k=12)
        words.insert(r.randrange(len(words)), r.choice(NAMES))
        sentences.append(" ".join(words).capitalize() + ".")
    body = " ".join(sentences)
    doc = {"id": "a%d" % n, "title": "%s %s %s" % (r.choice(NAMES), r.choice(WORDS), source),
           "url": "https://news.example/%d" % n}
    if kind == 31:
        doc["html"] = "<html><body><h1>%s</h1><p>%s</p><script>x()</script></body></html>" % (doc["title"], body)
    else:
        doc["text"] = body + " Story %d." % n
    return key, json.dumps(doc).encode()


class Feed:
    """kcat producing `rate` inputs per second for `seconds` (keys k<start>..), in a thread."""

    def __init__(self, bootstrap, rate, seconds, start=0):
        self.rate, self.seconds, self.next = rate, seconds, start
        self.start_key = start
        self.kcat = subprocess.Popen(
            ["kcat", "-P", "-b", bootstrap, "-t", "articles", "-K", "\t", "-z", "lz4",
             "-X", "linger.ms=50", "-X", "queue.buffering.max.messages=1000000"],
            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        rng = random.Random(7)
        began = time.time()
        while True:
            elapsed = time.time() - began
            due = self.start_key + int(self.rate * min(elapsed, self.seconds))
            chunk = []
            while self.next < due:
                key, value = make_article(self.next, rng)
                chunk.append(key + b"\t" + value + b"\n")
                self.next += 1
            if chunk:
                self.kcat.stdin.write(b"".join(chunk))
            if elapsed >= self.seconds:
                break
            time.sleep(0.01)
        self.kcat.stdin.close()
        self.elapsed = time.time() - began

    def wait(self):
        self.thread.join()
        self.kcat.wait(timeout=120)
        if self.kcat.returncode != 0:
            raise RuntimeError("kcat: %s" % self.kcat.stderr.read().decode()[-2000:])
        return {b"k%d" % n for n in range(self.start_key, self.next)}


class Collector:
    """Every key that appears on a topic, read by a kcat consumer from the beginning while the
    test runs: the development broker deletes a partition's oldest data past 5 MiB, so the
    output has to be read as it comes, as a downstream consumer would."""

    def __init__(self, bootstrap, topic, directory):
        self.path = os.path.join(directory, topic + ".keys")
        self.file = open(self.path, "wb")
        self.kcat = subprocess.Popen(["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-u", "-q",
                                      "-f", "%k\n"], stdout=self.file, stderr=subprocess.DEVNULL)

    def keys(self):
        with open(self.path, "rb") as f:
            return Counter(f.read().split())

    def close(self):
        self.kcat.terminate()
        self.kcat.wait()
        self.file.close()


def trimmed_partitions(bootstrap, topic, partitions):
    """Partitions whose oldest message is not offset 0: the development broker deleted data."""
    trimmed = []
    for p in range(partitions):
        first = subprocess.run(["kcat", "-C", "-b", bootstrap, "-t", topic, "-p", str(p), "-o", "beginning",
                                "-c", "1", "-e", "-q", "-f", "%o\n"], capture_output=True, timeout=60).stdout.split()
        if first and int(first[0]) != 0:
            trimmed.append(p)
    return trimmed


class Watch:
    """Samples a daemon's RSS and its /healthz answers every half second, in a thread."""

    def __init__(self, daemon, port):
        self.daemon, self.port = daemon, port
        self.rss_mib, self.health, self.slowest = [], Counter(), 0.0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        while not self.stopped.wait(0.5):
            if self.daemon.proc.poll() is not None:
                return
            try:
                with open("/proc/%d/status" % self.daemon.proc.pid) as f:
                    rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
                self.rss_mib.append((time.time(), rss / 1024))
            except (OSError, StopIteration):
                return
            began = time.time()
            status, _ = http_get(self.port, "/healthz", timeout=5)
            self.slowest = max(self.slowest, time.time() - began)
            self.health[status] += 1

    def stop(self):
        self.stopped.set()
        self.thread.join()


def metric_sum(text, name):
    return sum(float(v) for v in re.findall(r"^%s(?:\{[^}]*\})? (\S+)$" % re.escape(name), text, re.M))


class LoadTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.daemons, self.collectors, self.broker = [], [], None

    def start_broker(self, partitions):
        self.broker = DevBroker("articles:%d,articles.enriched:%d,articles.dlq:1" % (partitions, partitions))
        self.out = Collector(self.broker.bootstrap, "articles.enriched", self.tmp.name)
        self.dead = Collector(self.broker.bootstrap, "articles.dlq", self.tmp.name)
        self.collectors = [self.out, self.dead]

    def tearDown(self):
        close_daemons(self.daemons)
        for c in self.collectors:
            c.close()
        if self.broker:
            self.broker.stop()
        self.tmp.cleanup()

    def config(self, state_dir="", workers=WORKERS):
        path = os.path.join(self.tmp.name, "newsflow.yaml")
        with open(path, "w") as f:
            f.write(CONFIG % {"models": MODELS, "workers": workers, "word_cache": WORD_CACHE, "in_flight_bytes": IN_FLIGHT_BYTES, "dedup_entries": DEDUP_ENTRIES,
                              "state_dir": state_dir, "consumer_queue_kib": CONSUMER_QUEUE_KIB,
                              "fetch_max_bytes": FETCH_MAX_BYTES, "producer_queue_kib": PRODUCER_QUEUE_KIB})
        return path

    def daemon(self, config, port):
        d = Daemon(self.broker.bootstrap, config=config, extra=["--http-port", str(port)])
        self.daemons.append(d)
        if not wait_until(lambda: http_get(port, "/readyz", timeout=2)[0] == 200, 120, step=0.5):
            self.fail("the daemon never became ready; its log ends:\n" + d.log_text()[-3000:])
        return d

    def settle(self, sent, timeout):
        """Waits until every key sent is on the output or the dead-letter topic; returns
        (lost keys, duplicates)."""
        deadline = time.time() + timeout
        while True:
            out, dead = self.out.keys(), self.dead.keys()
            lost = sent - set(out) - set(dead)
            if not lost or time.time() > deadline:
                break
            time.sleep(2)
        duplicates = sum(out.values()) - len(out) + sum(dead.values()) - len(dead)
        return lost, duplicates, len(dead)

    def test_overload_keeps_memory_bounded_and_health_answering_and_the_lag_recovers(self):
        seconds = float(os.environ.get("NEWSFLOW_OVERLOAD_SECONDS", "20"))
        rate = float(os.environ.get("NEWSFLOW_OVERLOAD_RATE", "30000"))
        self.start_broker(OVERLOAD_PARTITIONS)
        port = free_port()
        d = self.daemon(self.config(), port)
        watch = Watch(d, port)
        feed = Feed(self.broker.bootstrap, rate, seconds)
        sent = feed.wait()
        _, metrics = http_get(port, "/metrics")
        taken_when_feed_stopped = metric_sum(metrics, "newsflow_articles_in_total")
        drain_began = time.time()
        lost, duplicates, dead = self.settle(sent, timeout=float(os.environ.get("NEWSFLOW_DRAIN_TIMEOUT", max(600, seconds * 10))))
        drained_in = time.time() - drain_began
        lag = wait_until(lambda: lag_total(port) == 0, 30, step=0.5)
        watch.stop()
        peak = d.rss_peak_kib() / 1024
        report("overload", seconds=seconds, sent=len(sent), sent_per_s=round(len(sent) / feed.elapsed),
               taken_while_sending=int(taken_when_feed_stopped),
               chain_per_s=round(len(sent) / (feed.elapsed + drained_in)), drained_in_s=round(drained_in, 1),
               lost=len(lost), duplicates=duplicates, dead_lettered=dead, peak_rss_mib=round(peak),
               bound_mib=round(memory_bound_mib(WORKERS, False)), healthz=dict((str(k), v) for k, v in watch.health.items()),
               slowest_healthz_s=round(watch.slowest, 3))
        self.assertEqual(trimmed_partitions(self.broker.bootstrap, "articles", OVERLOAD_PARTITIONS), [],
                         "the development broker deleted input (5 MiB per partition): the test's sizing is wrong")
        if lost:
            print(http_get(port, "/metrics")[1], d.log_text()[-5000:], file=sys.stderr)
        self.assertEqual(len(lost), 0, "lost, e.g. %s" % sorted(lost)[:5])
        # "Far faster": when the feed stopped the daemon had taken less than half of it.
        self.assertLess(taken_when_feed_stopped, len(sent) / 2)
        self.assertLessEqual(peak, memory_bound_mib(WORKERS, False))
        self.assertEqual(set(watch.health), {200}, "every /healthz during the overload answers 200")
        self.assertTrue(lag, "the consumer lag goes back to 0")
        self.assertIsNone(d.proc.poll())
        code, _ = d.terminate()
        self.assertEqual(code, 0)

    def test_soak_with_restarts_loses_nothing_and_memory_levels_off(self):
        seconds = float(os.environ.get("NEWSFLOW_SOAK_SECONDS", "60"))
        every = float(os.environ.get("NEWSFLOW_SOAK_RESTART_SECONDS", "20"))
        rate = float(os.environ.get("NEWSFLOW_SOAK_RATE", "1500"))
        self.start_broker(SOAK_PARTITIONS)
        config = self.config(state_dir=os.path.join(self.tmp.name, "dedup"), workers=2)
        feed = Feed(self.broker.bootstrap, rate, seconds)
        lives, restarts, began = [], Counter(), time.time()
        while True:
            port = free_port()
            d = self.daemon(config, port)
            watch = Watch(d, port)
            life_ends = time.time() + every
            while time.time() < life_ends and feed.thread.is_alive():
                time.sleep(0.5)
            feed_done = not feed.thread.is_alive()
            if feed_done:  # the last instance drains everything, then stops cleanly
                sent = feed.wait()
                lost, duplicates, dead = self.settle(sent, timeout=300)
            if feed_done or len(lives) % 2 == 0:
                code, _ = d.terminate()
                self.assertEqual(code, 0, "a SIGTERM stop is clean")
                restarts["sigterm"] += 1
            else:
                d.kill()
                restarts["kill -9"] += 1
            watch.stop()
            lives.append(watch.rss_mib)
            if feed_done:
                break
        restarts["sigterm"] -= 1  # the final stop is not a restart
        growth = [leveling(rss) for rss in lives]
        peak = max(r for life in lives for _, r in life)
        report("soak", seconds=round(time.time() - began), sent=len(sent), restarts=dict(restarts),
               lost=len(lost), duplicates=duplicates, dead_lettered=dead, peak_rss_mib=round(peak),
               bound_mib=round(memory_bound_mib(2, True)),
               lives_s=[round(life[-1][0] - life[0][0]) if life else 0 for life in lives],
               rss_mib_start_end=[(round(life[0][1]), round(life[-1][1])) if life else None for life in lives],
               rss_growth_late_mib=[None if g is None else round(g, 1) for g in growth])
        self.assertEqual(len(lost), 0, "lost, e.g. %s" % sorted(lost)[:5])
        self.assertGreaterEqual(len(lives), 3)
        self.assertLessEqual(peak, memory_bound_mib(2, True))
        for g in growth:
            if g is not None:
                self.assertLess(g, LEAK_MIB, "RSS still growing late in an instance's life: %s MiB" % g)


def leveling(rss):
    """How much RSS grew in the last third of one instance's life over the middle third
    (MiB), or None when it lived too briefly to tell (caches, memtables and the allocator
    warm up over the first minute or so). A leak keeps growing; caches level off."""
    if not rss or rss[-1][0] - rss[0][0] < LEVELS_OFF_AFTER_S:
        return None
    third = len(rss) // 3
    return max(r for _, r in rss[2 * third:]) - max(r for _, r in rss[third:2 * third])


def lag_total(port):
    status, text = http_get(port, "/metrics", timeout=5)
    if status != 200 or "newsflow_kafka_consumer_lag{" not in text:
        return None
    return metric_sum(text, "newsflow_kafka_consumer_lag")


if __name__ == "__main__":
    unittest.main()
