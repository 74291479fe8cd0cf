"""Integration tests: the real `newsflowd run` against `newsflowd devbroker`, fed and read by
independent clients (kafka-python and kcat). Each test asserts what a user would check:
every article comes out (or is dead-lettered), in partition order, across crashes, restarts,
rebalances and broker outages."""
import json
import os
import sys
import tempfile
import threading
import time
import unittest
from collections import Counter, defaultdict

from harness import Daemon, DevBroker, Reader, article, ids, produce_kafka_python, produce_kcat

TOPICS = "articles:4,articles.enriched:4,articles.dlq:1"
CONFIG = """
pipeline: {workers: 2}
output: {pipeline_info: version}
logging: {level: info}
kafka:
  commit_interval_ms: 500
  shutdown_timeout_ms: 15000
  revoke_timeout_ms: 5000
  consumer: {session.timeout.ms: 6000, reconnect.backoff.max.ms: 1000, socket.connection.setup.timeout.ms: 3000}
  producer: {reconnect.backoff.max.ms: 1000, socket.connection.setup.timeout.ms: 3000}
"""


def report(name, **figures):
    print("\nFIGURES %s: %s" % (name, json.dumps(figures)), file=sys.stderr)


class DaemonTest(unittest.TestCase):
    def setUp(self):
        self.broker = DevBroker(TOPICS)
        self.daemons = []
        self.readers = []
        self.tmp = tempfile.TemporaryDirectory()
        self.config = os.path.join(self.tmp.name, "newsflow.yaml")
        with open(self.config, "w") as f:
            f.write(CONFIG)

    def tearDown(self):
        for r in self.readers:
            r.close()
        for d in self.daemons:
            if self.__dict__.get("_outcome") and d.proc.poll() is not None and d.proc.returncode not in (0, -9):
                print(d.log_text()[-3000:], file=sys.stderr)
            d.close()
        self.broker.stop()
        self.tmp.cleanup()

    def daemon(self, config=None, **kw):
        d = Daemon(self.broker.bootstrap, config=config or self.config, **kw)
        self.daemons.append(d)
        return d

    def reader(self, topic, partitions):
        r = Reader(self.broker.bootstrap, topic, partitions)
        self.readers.append(r)
        return r

    def produce(self, start, count):
        records = []
        for n in range(start, start + count):
            p = n % 4
            records.append((p, b"k%d" % n, json.dumps(article(n, p)).encode(), [("trace", b"t%d" % n)]))
        produce_kafka_python(self.broker.bootstrap, "articles", records)
        return {"a%06d" % n for n in range(start, start + count)}

    def wait_for(self, reader, expected, timeout):
        ok = reader.until(lambda ms: expected <= set(ids(ms)), timeout)
        got = set(ids(reader.messages))
        self.assertTrue(ok, "missing %d of %d, e.g. %s" % (len(expected - got), len(expected),
                                                            sorted(expected - got)[:5]))

    def test_articles_from_two_clients_come_out_in_partition_order_and_bad_ones_are_dead_lettered(self):
        expected, bad = set(), []
        records = []
        for n in range(5000):  # kafka-python half, with keys and headers
            p = n % 4
            if n % 100 == 50:
                value = [b'{"text": 42}', b"not json", b'{"title": "no body"}', b"\xff\xfe"][n // 100 % 4]
                bad.append(value)
            else:
                value = json.dumps(article(n, p)).encode()
                expected.add("a%06d" % n)
            records.append((p, b"k%d" % n, value, [("trace", b"t%d" % n)]))
        produce_kafka_python(self.broker.bootstrap, "articles", records)
        for p in range(4):  # kcat half, keyed
            lines = []
            for n in range(5000 + p, 10000, 4):
                if n % 100 == 50:
                    bad.append(b"{broken")
                    lines.append("k%d\t{broken" % n)
                else:
                    lines.append("k%d\t%s" % (n, json.dumps(article(n, p))))
                    expected.add("a%06d" % n)
            produce_kcat(self.broker.bootstrap, "articles", p, lines)

        start = time.time()
        self.daemon()
        out = self.reader("articles.enriched", 4)
        self.wait_for(out, expected, 180)
        elapsed = time.time() - start
        dlq = self.reader("articles.dlq", 1)
        self.assertTrue(dlq.until(lambda ms: len(ms) >= len(bad), 60))

        got = Counter(ids(out.messages))
        self.assertEqual(set(got), expected)
        for m in out.messages:
            doc = json.loads(m.value)
            # Output partition = input partition, so each partition's order is checkable.
            self.assertEqual(m.partition, doc["partition"])
            self.assertEqual(m.key, b"k%d" % doc["seq"])
            if doc["seq"] < 5000:
                self.assertIn(("trace", b"t%d" % doc["seq"]), m.headers)
            self.assertEqual(doc["extra"]["big"], 10 ** 25)
            self.assertIn("pipeline", doc["enrichment"])
        by_partition = defaultdict(list)
        for m in out.messages:
            by_partition[m.partition].append(json.loads(m.value)["seq"])
        for p, seqs in by_partition.items():
            kafka_python_part = [s for s in seqs if s < 5000]
            kcat_part = [s for s in seqs if s >= 5000]
            self.assertEqual(kafka_python_part, sorted(kafka_python_part), "partition %d out of order" % p)
            self.assertEqual(kcat_part, sorted(kcat_part), "partition %d out of order" % p)

        self.assertEqual(sorted(m.value for m in dlq.messages), sorted(bad))  # original bytes
        for m in dlq.messages:
            headers = dict(m.headers)
            self.assertTrue(headers["newsflow.error.code"])
            self.assertTrue(headers["newsflow.error.message"])
            self.assertEqual(headers["newsflow.source.topic"], b"articles")
            self.assertIn(int(headers["newsflow.source.partition"]), range(4))
            self.assertGreaterEqual(int(headers["newsflow.source.offset"]), 0)
        codes = Counter(dict(m.headers)["newsflow.error.code"] for m in dlq.messages)
        self.assertEqual(codes[b"article.bad_field_type"], 13)
        report("two_clients", articles=len(expected), dead_lettered=len(bad), duplicates=sum(got.values()) - len(got),
               seconds=round(elapsed, 1), dlq_reasons={k.decode(): v for k, v in codes.items()})

    def test_kill_9_mid_stream_then_restart_loses_nothing(self):
        expected = self.produce(0, 6000)
        first = self.daemon()
        out = self.reader("articles.enriched", 4)
        self.assertTrue(out.until(lambda ms: len(ms) >= 1500, 60))
        first.kill()
        seen_before = len(out.messages)
        self.daemon()
        self.wait_for(out, expected, 120)
        got = Counter(ids(out.messages))
        duplicates = sum(got.values()) - len(got)
        report("kill_9", articles=len(expected), out_before_kill=seen_before, duplicates=duplicates)
        self.assertEqual(set(got), expected)

    def test_sigterm_exits_0_within_the_deadline_and_a_restart_publishes_nothing_twice(self):
        expected = self.produce(0, 4000)
        d = self.daemon()
        out = self.reader("articles.enriched", 4)
        self.assertTrue(out.until(lambda ms: len(ms) >= 500, 60))
        code, seconds = d.terminate(timeout=30)
        self.assertEqual(code, 0, d.log_text()[-2000:])
        self.assertLess(seconds, 15)
        expected |= self.produce(4000, 1000)
        self.daemon()
        self.wait_for(out, expected, 120)
        time.sleep(2)
        out.poll()
        got = Counter(ids(out.messages))
        report("sigterm", articles=len(expected), stop_seconds=round(seconds, 2), duplicates=sum(got.values()) - len(got))
        self.assertEqual(set(got), expected)
        twice = [k for k, v in got.items() if v > 1]
        self.assertEqual(twice, [], "published twice; logs:\n%s\n---\n%s" % (
            d.log_text()[-4000:], self.daemons[-1].log_text()[-4000:]))

    def test_instances_join_and_leave_the_group_without_losing_articles(self):
        self.daemon()
        self.daemon()
        out = self.reader("articles.enriched", 4)
        expected = set()
        feeder_done = threading.Event()

        def feed():
            for batch in range(10):
                expected.update(self.produce(batch * 300, 300))
                time.sleep(1.0)
            feeder_done.set()

        feeder = threading.Thread(target=feed)
        feeder.start()
        time.sleep(3)
        self.daemon()  # a third joins
        time.sleep(4)
        code, _ = self.daemons[0].terminate(timeout=30)  # one leaves
        self.assertEqual(code, 0, self.daemons[0].log_text()[-4000:])
        feeder.join()
        self.wait_for(out, expected, 120)
        got = Counter(ids(out.messages))
        report("rebalance", articles=len(expected), duplicates=sum(got.values()) - len(got))
        self.assertEqual(set(got), expected)

    def test_broker_outage_then_recovery_loses_nothing(self):
        expected = self.produce(0, 3000)
        d = self.daemon()
        out = self.reader("articles.enriched", 4)
        self.assertTrue(out.until(lambda ms: len(ms) >= 300, 60))
        self.broker.down()
        time.sleep(5)
        self.broker.up()
        recovered = time.time()
        self.wait_for(out, expected, 120)
        self.assertIsNone(d.proc.poll(), "the daemon must survive the outage")
        got = Counter(ids(out.messages))
        report("outage", articles=len(expected), outage_seconds=5, recovered_in_seconds=round(time.time() - recovered, 1),
               duplicates=sum(got.values()) - len(got))

    def test_memory_stays_bounded_when_publishing_is_slower_than_input(self):
        slow = os.path.join(self.tmp.name, "slow.yaml")
        with open(slow, "w") as f:
            f.write(CONFIG.replace("pipeline: {workers: 2}", "pipeline: {workers: 2, max_in_flight: 64}")
                    .replace("producer: {", "producer: {queue.buffering.max.messages: 20, linger.ms: 50, "))
        records = []
        for n in range(6000):
            a = article(n, n % 4, body_words=300)  # ~2.5 KB
            records.append((n % 4, None, json.dumps(a).encode(), []))
        produce_kafka_python(self.broker.bootstrap, "articles", records)
        d = self.daemon(config=slow)
        out = self.reader("articles.enriched", 4)
        peak = 0
        deadline = time.time() + 180
        while time.time() < deadline and len(set(ids(out.messages))) < 6000:
            out.poll()
            peak = max(peak, d.rss_peak_kib())
        self.assertEqual(len(set(ids(out.messages))), 6000)
        report("slow_publish", articles=6000, input_mb=round(sum(len(r[2]) for r in records) / 1e6, 1),
               peak_rss_mib=round(peak / 1024, 1))
        self.assertLess(peak, 200 * 1024)


if __name__ == "__main__":
    unittest.main()
