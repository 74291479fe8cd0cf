"""Shared dedup memory: two real `newsflowd run` instances in one consumer group on the same
input topic, dedup in a real redis-server on 127.0.0.1 (store: redis), independent Kafka
clients around them (kafka-python). Copies of a story are routed to other partitions than
the story's first copy, so the instance that sees a copy is often not the one that saw the
original; the decisions must be the ones a single instance (`newsflowd process`, embedded
store) takes on the same stream. Then Redis is stopped and started again (empty) mid-run,
under both on_unavailable policies: no crash, the configured behaviour, recovery without
restarting the daemon.
"""
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from harness import (NEWSFLOWD, Daemon, DevBroker, Reader, close_daemons, free_port, http_get,
                     produce_kafka_python, wait_until)

PARTITIONS = 4
TOPICS = "articles:%d,articles.enriched:%d,articles.dlq:1" % (PARTITIONS, PARTITIONS)
STORIES = 90
RACES = 20

WORDS = ("government minister parliament council mayor court judge police officers protest "
         "election vote campaign budget tax spending debt bank markets shares prices inflation "
         "exports imports trade tariffs factory workers union strike wages pension hospital "
         "doctors nurses patients school teachers pupils university students research science "
         "climate flood drought storm harvest farmers water energy oil gas power grid solar wind "
         "railway station airport airline flights ships harbour bridge road traffic accident "
         "football club coach season league match goal players fans stadium museum festival film "
         "music artist book author prize village town city region border army soldiers ceasefire "
         "talks summit treaty agreement sanctions embassy diplomats refugees aid charity company "
         "chief executive profit loss sales customers software data internet phone network "
         "said told announced warned expected rejected approved signed opened closed "
         "rose fell reached cut raised delayed blamed praised").split()


def story_text(seed, sentences=9):
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(sentences // 3):
        paragraph = []
        for _ in range(3):
            n = rng.randint(14, 22)
            words = [rng.choice(WORDS) for _ in range(n)]
            paragraph.append(" ".join(words).capitalize() + ".")
        paragraphs.append(" ".join(paragraph))
    return "\n\n".join(paragraphs)


def near_copy(text, seed):
    """What another outlet makes of it: its own furniture, the last paragraph cut."""
    rng = random.Random(seed)
    paragraphs = text.split("\n\n")
    return "\n\n".join(["By staff reporter %d" % rng.randint(1, 99)] + paragraphs[:-1] +
                       ["Read more stories like this one on our website."])


def record(article, partition):
    return (partition, article["id"].encode(), json.dumps(article).encode(), [])


def streams():
    """(first copies, later copies, racing pairs): lists of (article, partition)."""
    first, later, races = [], [], []
    for s in range(STORIES):
        text = story_text(s)
        home = s % PARTITIONS
        first.append(({"id": "s%03d" % s, "url": "https://wire.example/%d" % s,
                       "title": "Story %d" % s, "text": text}, home))
        other = (home + 1 + s // PARTITIONS % (PARTITIONS - 1)) % PARTITIONS  # never home
        if s % 3 in (0, 2):  # an exact copy elsewhere
            later.append(({"id": "s%03d-exact" % s, "url": "https://copy.example/%d" % s,
                           "title": "Copy", "text": text}, other))
        if s % 3 in (1, 2):  # a near copy elsewhere
            later.append(({"id": "s%03d-near" % s, "url": "https://outlet.example/n/%d" % s,
                           "title": "Another headline", "text": near_copy(text, s)},
                          (other + 1) % PARTITIONS if (other + 1) % PARTITIONS != home else (other + 2) % PARTITIONS))
        later.append(({"id": "f%03d" % s, "text": story_text(10_000 + s)}, s % PARTITIONS))  # unrelated
    for r in range(RACES):
        text = story_text(20_000 + r)
        # Both copies at once into two partitions: whichever instance claims first is the original.
        races.append(({"id": "r%03d-a" % r, "text": text}, r % PARTITIONS))
        races.append(({"id": "r%03d-b" % r, "text": near_copy(text, r)}, (r + 2) % PARTITIONS))
    return first, later, races


def decisions(messages):
    """id -> (status, duplicate_of, story_id), from output messages (the last one of an id)."""
    out = {}
    for m in messages:
        a = json.loads(m.value)
        d = a["enrichment"]["dedup"]
        out[a["id"]] = (d["status"], d["duplicate_of"], d["story_id"])
    return out


def owned_partitions(port):
    """Partitions of `articles` this daemon fetches now (its consumer-lag gauges)."""
    status, text = http_get(port, "/metrics")
    if status != 200:
        return None
    return {int(line.split('partition="')[1].split('"')[0]) for line in text.splitlines()
            if line.startswith('newsflow_kafka_consumer_lag{topic="articles"')}


def metric(port, name):
    status, text = http_get(port, "/metrics")
    for line in text.splitlines() if status == 200 else []:
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def report(name, **figures):
    print("\nFIGURES %s: %s" % (name, json.dumps(figures)), file=sys.stderr)


class RedisServer:
    """Debian's redis-server on 127.0.0.1 and a free port; nothing saved, so a restart is empty."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.TemporaryDirectory()
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", self.dir.name, "--logfile", os.path.join(self.dir.name, "log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        ok = wait_until(lambda: subprocess.run(["redis-cli", "-p", str(self.port), "ping"],
                                               capture_output=True, text=True).stdout.strip() == "PONG", 10)
        assert ok, "redis-server did not start (is it installed? scripts/setup.sh)"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.proc = None

    def cli(self, *args):
        return subprocess.run(["redis-cli", "-p", str(self.port)] + list(args), capture_output=True,
                              text=True, check=True).stdout.strip()

    def close(self):
        self.stop()
        self.dir.cleanup()


class RedisDedupTest(unittest.TestCase):
    def setUp(self):
        self.redis = RedisServer()
        self.broker = DevBroker(TOPICS)
        self.tmp = tempfile.TemporaryDirectory()
        self.daemons = []
        self.out = Reader(self.broker.bootstrap, "articles.enriched", PARTITIONS)

    def tearDown(self):
        close_daemons(self.daemons)
        self.out.close()
        self.broker.stop()
        self.redis.close()
        self.tmp.cleanup()

    def config(self, name, store, policy="unknown"):
        path = os.path.join(self.tmp.name, name)
        dedup = ("{type: dedup, store: redis, redis: {address: '127.0.0.1:%d', key_prefix: %s, "
                 "timeout_ms: 500, retry_ms: 200, on_unavailable: %s}}" % (self.redis.port, name, policy)
                 if store == "redis" else "dedup")
        with open(path, "w") as f:
            f.write("pipeline: {workers: 2}\noutput: {pipeline_info: none}\n"
                    "kafka: {commit_interval_ms: 500, shutdown_timeout_ms: 15000,\n"
                    "        consumer: {statistics.interval.ms: 500, fetch.wait.max.ms: 50}}\n"
                    "chain: [normalize, %s]\n" % dedup)
        return path

    def daemon(self, config):
        port = free_port()
        d = Daemon(self.broker.bootstrap, config=config, extra=["--http-port", str(port)])
        d.port = port
        self.daemons.append(d)
        return d

    def single_instance(self, articles):
        """Decisions of `newsflowd process` with the embedded store, in this order."""
        path = os.path.join(self.tmp.name, "in.jsonl")
        with open(path, "w") as f:
            for a, _ in articles:
                f.write(json.dumps(a) + "\n")
        out = subprocess.run([NEWSFLOWD, "process", "-q", "-c", self.config("single.yaml", "embedded"),
                              "-i", path], capture_output=True, text=True, check=True).stdout
        result = {}
        for line in out.splitlines():
            a = json.loads(line)
            d = a["enrichment"]["dedup"]
            result[a["id"]] = (d["status"], d["duplicate_of"], d["story_id"])
        return result

    def wait_out(self, ids, timeout=120):
        self.assertTrue(self.out.until(lambda ms: ids <= set(decisions(ms)), timeout),
                        "not out: %s" % sorted(ids - set(decisions(self.out.messages)))[:10])
        return decisions(self.out.messages)

    def test_two_instances_share_dedup_memory_and_agree_with_a_single_instance(self):
        first, later, races = streams()
        config = self.config("shared", "redis")
        one, two = self.daemon(config), self.daemon(config)

        # One article per partition first: a partition's lag is known once it has data.
        warm = [({"id": "warm%d" % p, "text": story_text(50_000 + p)}, p) for p in range(PARTITIONS)]
        produce_kafka_python(self.broker.bootstrap, "articles", [record(a, p) for a, p in warm])

        def split():
            a, b = owned_partitions(one.port), owned_partitions(two.port)
            return (a, b) if a and b and not a & b and a | b == set(range(PARTITIONS)) else None
        owners = wait_until(split, 60)
        self.assertTrue(owners, "the two instances did not share the partitions: %s, %s"
                        % (owned_partitions(one.port), owned_partitions(two.port)))
        owner = {p: i for i, parts in enumerate(owners) for p in parts}

        # First copies, then (once they are out) the later copies and the racing pairs.
        self.wait_out({a["id"] for a, _ in warm})
        produce_kafka_python(self.broker.bootstrap, "articles", [record(a, p) for a, p in first])
        self.wait_out({a["id"] for a, _ in first})
        produce_kafka_python(self.broker.bootstrap, "articles", [record(a, p) for a, p in later + races])
        got = self.wait_out({a["id"] for a, _ in first + later + races})
        self.assertEqual((owned_partitions(one.port), owned_partitions(two.port)), owners, "a rebalance")

        expected = self.single_instance(warm + first + later + races)
        home = {a["id"]: p for a, p in first}
        crossed = 0
        for a, p in later:
            if a["id"].startswith("f"):
                continue
            story = "s" + a["id"][1:4]
            crossed += owner[p] != owner[home[story]]
        # Every decision but the racing pairs' is the single instance's, exactly.
        plain = [a["id"] for a, _ in first + later]
        wrong = {i: (got[i], expected[i]) for i in plain if got[i] != expected[i]}
        self.assertEqual(wrong, {}, "decisions differ from a single instance's (got, expected)")
        # A racing pair: one original, which the other copy names, whoever claimed first (the
        # single instance, reading in order, has the first of the two as the original).
        for r in range(RACES):
            a, b = got["r%03d-a" % r], got["r%03d-b" % r]
            originals = [x for x, d in (("r%03d-a" % r, a), ("r%03d-b" % r, b)) if d[0] == "unique"]
            self.assertEqual(len(originals), 1, "pair %d: %s %s" % (r, a, b))
            self.assertEqual(a[2], b[2], "pair %d names two stories: %s %s" % (r, a, b))
            self.assertEqual(a[2], originals[0])
            self.assertEqual(expected["r%03d-b" % r][2], expected["r%03d-a" % r][2])
        statuses = [d[0] for d in got.values()]
        in_each = [metric(d.port, "newsflow_articles_in_total") for d in self.daemons]
        report("redis_two_instances", articles=len(got), unique=statuses.count("unique"),
               duplicate=statuses.count("duplicate"), near_duplicate=statuses.count("near_duplicate"),
               copies_on_the_other_instance=crossed, racing_pairs=RACES,
               in_per_instance=in_each, keys_in_redis=int(self.redis.cli("dbsize")))
        self.assertGreater(crossed, 20, "too few copies crossed instances to test sharing")
        self.assertEqual(statuses.count("unknown"), 0)
        self.assertTrue(all(n and n > 0 for n in in_each), in_each)

    def restart_redis_mid_run(self, policy):
        """Stories, Redis stopped, more articles, Redis back (empty), copies: returns the decisions
        of the three batches and how long nothing came out while Redis was down."""
        config = self.config("restart-" + policy, "redis", policy)
        d = self.daemon(config)
        before = [({"id": "b%03d" % s, "text": story_text(30_000 + s)}, s % PARTITIONS) for s in range(40)]
        produce_kafka_python(self.broker.bootstrap, "articles", [record(a, p) for a, p in before])
        self.wait_out({a["id"] for a, _ in before})

        self.redis.stop()
        during = [({"id": "d%03d" % s, "text": story_text(30_000 + s)}, (s + 1) % PARTITIONS) for s in range(40)]
        produce_kafka_python(self.broker.bootstrap, "articles", [record(a, p) for a, p in during])
        time.sleep(4)
        self.out.poll()
        out_while_down = len({a["id"] for a, _ in during} & set(decisions(self.out.messages)))
        health = http_get(d.port, "/healthz")[0]
        self.assertIsNone(d.proc.poll(), d.log_text()[-3000:])
        self.redis.start()
        got = self.wait_out({a["id"] for a, _ in during})

        after = [({"id": "x%03d" % s, "text": story_text(40_000 + s)}, s % PARTITIONS) for s in range(20)]
        produce_kafka_python(self.broker.bootstrap, "articles", [record(a, p) for a, p in after])
        self.wait_out({a["id"] for a, _ in after})
        copies = [({"id": "x%03d-copy" % s, "text": story_text(40_000 + s)}, (s + 1) % PARTITIONS) for s in range(20)]
        produce_kafka_python(self.broker.bootstrap, "articles", [record(a, p) for a, p in copies])
        got = self.wait_out({a["id"] for a, _ in copies})
        self.assertIsNone(d.proc.poll(), "the daemon ended")
        self.assertEqual(wait_until(lambda: metric(d.port, "newsflow_dedup_store_up"), 10), 1)
        return got, during, after, copies, out_while_down, health, d

    def test_redis_restart_with_unknown_policy_passes_articles_on_and_recovers(self):
        got, during, after, copies, out_while_down, health, d = self.restart_redis_mid_run("unknown")
        self.assertEqual(out_while_down, len(during), "fail open: articles go on while Redis is down")
        self.assertEqual({got[a["id"]] for a, _ in during}, {("unknown", None, None)})
        self.assertEqual(health, 200)
        for a, _ in after:
            self.assertEqual(got[a["id"]][0], "unique")
        for s, (a, _) in enumerate(copies):
            self.assertEqual(got[a["id"]], ("duplicate", "x%03d" % s, "x%03d" % s))
        report("redis_restart_unknown", out_while_down=out_while_down,
               unknown=metric(d.port, "newsflow_dedup_unknown_total"),
               store_failures=metric(d.port, "newsflow_dedup_store_failures_total"))

    def test_redis_restart_with_pause_policy_holds_articles_until_redis_is_back(self):
        got, during, after, copies, out_while_down, health, d = self.restart_redis_mid_run("pause")
        self.assertEqual(out_while_down, 0, "pause: nothing decided while Redis is down")
        self.assertEqual(health, 200)
        # Redis came back empty: the stories sent meanwhile are new to it.
        self.assertEqual({got[a["id"]][0] for a, _ in during}, {"unique"})
        for s, (a, _) in enumerate(copies):
            self.assertEqual(got[a["id"]], ("duplicate", "x%03d" % s, "x%03d" % s))
        self.assertEqual(metric(d.port, "newsflow_dedup_unknown_total"), 0)
        report("redis_restart_pause", out_while_down=out_while_down,
               store_failures=metric(d.port, "newsflow_dedup_store_failures_total"))


if __name__ == "__main__":
    unittest.main()
