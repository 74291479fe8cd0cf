"""Fault injection: the real `newsflowd run` against `newsflowd devbroker` (librdkafka's mock
cluster, 3 brokers) while the broker misbehaves — failing produce, fetch and commit requests,
partition leaders moving, one broker down and back, every answer slow. Each scenario checks
that every input comes out on the output or the dead-letter topic (lost must be 0) and reports
the duplicates at-least-once delivery allowed (docs/reliability.md has the figures)."""
import json
import os
import sys
import tempfile
import time
import unittest
from collections import Counter

from harness import close_daemons, Daemon, DevBroker, Reader, article, ids, produce_kafka_python

TOPICS = "articles:4,articles.enriched:4,articles.dlq:1"
CONFIG = """
pipeline: {workers: 2}
output: {pipeline_info: version}
chain: [normalize, dedup]
kafka:
  commit_interval_ms: 500
  shutdown_timeout_ms: 15000
  consumer: {session.timeout.ms: 6000, reconnect.backoff.max.ms: 1000, socket.connection.setup.timeout.ms: 3000}
  producer: {reconnect.backoff.max.ms: 1000, socket.connection.setup.timeout.ms: 3000}
"""
ARTICLES = 2000
BAD = 20  # not JSON: they must come out on the dead-letter topic


def report(name, **figures):
    print("\nFIGURES %s: %s" % (name, json.dumps(figures)), file=sys.stderr)


class FaultTest(unittest.TestCase):
    def setUp(self):
        self.broker = DevBroker(TOPICS, brokers=3)
        self.tmp = tempfile.TemporaryDirectory()
        self.config = os.path.join(self.tmp.name, "newsflow.yaml")
        with open(self.config, "w") as f:
            f.write(CONFIG)
        self.daemons = []
        self.out = Reader(self.broker.bootstrap, "articles.enriched", 4)
        self.dlq = Reader(self.broker.bootstrap, "articles.dlq", 1)

    def tearDown(self):
        close_daemons(self.daemons)
        self.out.close()
        self.dlq.close()
        self.broker.stop()
        self.tmp.cleanup()

    def daemon(self):
        d = Daemon(self.broker.bootstrap, config=self.config)
        self.daemons.append(d)
        return d

    def produce(self):
        """ARTICLES good articles and BAD broken ones (kafka-python); returns their ids and keys."""
        records = [(n % 4, b"a%06d" % n, json.dumps(article(n, n % 4)).encode(), []) for n in range(ARTICLES)]
        records += [(n % 4, b"bad%d" % n, b'{"id": "bad%d", "text": ' % n, []) for n in range(BAD)]
        produce_kafka_python(self.broker.bootstrap, "articles", records)
        return {"a%06d" % n for n in range(ARTICLES)}, {b"bad%d" % n for n in range(BAD)}

    def settle(self, good, bad, timeout):
        """Waits until every input is out; returns (output ids Counter, dead-letter keys Counter)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.out.poll()
            self.dlq.poll()
            if good <= set(ids(self.out.messages)) and bad <= {m.key for m in self.dlq.messages}:
                break
        return Counter(ids(self.out.messages)), Counter(m.key for m in self.dlq.messages)

    def check(self, name, good, bad, started, timeout=120, daemon=None):
        out, dead = self.settle(good, bad, timeout)
        lost = len(good - set(out)) + len(bad - set(dead))
        figures = dict(inputs=len(good) + len(bad), out=len(set(out)), dead_lettered=len(set(dead)),
                       duplicates=sum(out.values()) - len(out) + sum(dead.values()) - len(dead), lost=lost,
                       seconds=round(time.time() - started, 1))
        if daemon is not None:
            figures["peak_rss_mib"] = round(daemon.rss_peak_kib() / 1024, 1)
        report(name, **figures)
        self.assertEqual(lost, 0, "lost %d: e.g. %s" % (lost, sorted(good - set(out))[:5]))
        for d in self.daemons:
            self.assertIn(d.proc.poll(), (None, 0), d.log_text()[-2000:])

    def wait_out(self, count, timeout=60):
        self.assertTrue(self.out.until(lambda ms: len(ms) >= count, timeout), "no output yet")

    def scenario(self, name, before=(), after_some_out=(), timeout=120):
        """Inputs in; `before` commands, the daemon, 200 out, then `after_some_out` in order: a
        broker command, or a function of the daemon (which may return the one that replaces it);
        then every input must come out."""
        good, bad = self.produce()
        for c in before:
            self.broker.command(c)
        started = time.time()
        d = self.daemon()
        if after_some_out:
            self.wait_out(200)
            for step in after_some_out:
                if callable(step):
                    d = step(d) or d
                else:
                    self.broker.command(step)
        self.check(name, good, bad, started, timeout=timeout, daemon=d)

    def test_failing_produce_requests_are_retried(self):
        self.scenario("produce_errors", before=["fail Produce NOT_LEADER_FOR_PARTITION 10",
                                                "fail Produce REQUEST_TIMED_OUT 10"])

    def test_failing_fetch_requests_are_retried(self):
        self.scenario("fetch_errors", after_some_out=["fail Fetch NOT_LEADER_FOR_PARTITION 20",
                                                      "fail Fetch UNKNOWN_TOPIC_OR_PART 10"])

    def test_partition_leaders_moving_mid_stream(self):
        moves = ["leader articles %d %d" % (p, 1 + (p + 1) % 3) for p in range(4)]
        moves += ["leader articles.enriched %d %d" % (p, 1 + (p + 2) % 3) for p in range(4)]
        self.scenario("leader_change", after_some_out=moves)

    def test_a_slow_broker_answering_after_200_ms(self):
        self.scenario("rtt_200ms", before=["rtt 200"], timeout=180)

    def test_failing_commits_then_a_restart_only_repeat_articles(self):
        def restart_halfway(d):
            self.wait_out(ARTICLES // 2)
            d.terminate()
            return self.daemon()  # starts from what was committed: failed commits show as repeats
        self.scenario("commit_errors_and_restart",
                      after_some_out=["fail OffsetCommit COORDINATOR_NOT_AVAILABLE 20",
                                      "fail OffsetCommit REQUEST_TIMED_OUT 20", restart_halfway])

    def test_one_broker_down_for_five_seconds(self):
        self.scenario("one_broker_down_5s", after_some_out=["broker 2 down", lambda d: time.sleep(5), "broker 2 up"],
                      timeout=180)


if __name__ == "__main__":
    unittest.main()
