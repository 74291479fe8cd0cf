"""Operations tests: what an operator sees of a running `newsflowd run` — /metrics, /healthz,
/readyz, SIGHUP, and the systemd notify protocol — against `newsflowd devbroker`, fed by
kafka-python and scraped over HTTP like Prometheus would."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import prometheus_text
from harness import Daemon, DevBroker, Reader, article, free_port, http_get, ids, produce_kafka_python, wait_until

TOPICS = "articles:4,articles.enriched:4,articles.dlq:1"
CONFIG = """
pipeline: {workers: 2}
logging: {level: %s}
kafka:
  shutdown_timeout_ms: 10000
  consumer: {statistics.interval.ms: 1000, reconnect.backoff.max.ms: 1000}
"""


def metric(text, name, labels=""):
    """The value of one series in an exposition, or None."""
    m = re.search(r"^%s%s (\S+)$" % (re.escape(name), re.escape(labels)), text, re.M)
    return float(m.group(1)) if m else None


class OperationsTest(unittest.TestCase):
    def setUp(self):
        self.broker = DevBroker(TOPICS)
        self.tmp = tempfile.TemporaryDirectory()
        self.config = os.path.join(self.tmp.name, "newsflow.yaml")
        self.write_config("info")
        self.daemons = []

    def tearDown(self):
        for d in self.daemons:
            d.close()
        self.broker.stop()
        self.tmp.cleanup()

    def write_config(self, level):
        with open(self.config, "w") as f:
            f.write(CONFIG % level)

    def daemon(self, port, **kw):
        d = Daemon(self.broker.bootstrap, config=self.config, extra=["--http-port", str(port)], **kw)
        self.daemons.append(d)
        return d

    def test_readyz_turns_ready_after_assignment_and_metrics_move_as_articles_flow(self):
        port = free_port()
        self.broker.down()  # the group cannot assign anything yet
        d = self.daemon(port)
        self.assertTrue(wait_until(lambda: http_get(port, "/healthz")[0] == 200, 30), d.log_text()[-2000:])
        status, body = http_get(port, "/readyz")
        self.assertEqual(status, 503)
        self.assertIn("not ready: ", body)
        self.broker.up()
        self.assertTrue(wait_until(lambda: http_get(port, "/readyz")[0] == 200, 60), d.log_text()[-2000:])

        before = http_get(port, "/metrics")[1]
        self.assertEqual(metric(before, "newsflow_articles_in_total"), 0)
        self.assertEqual(metric(before, "newsflow_kafka_assigned_partitions"), 4)
        records = [(n % 4, None, json.dumps(article(n, n % 4)).encode(), []) for n in range(300)]
        records.append((0, None, b"{not json", []))
        produce_kafka_python(self.broker.bootstrap, "articles", records)
        out = Reader(self.broker.bootstrap, "articles.enriched", 4)
        try:
            self.assertTrue(out.until(lambda ms: len(set(ids(ms))) >= 300, 60))
        finally:
            out.close()

        def settled():
            text = http_get(port, "/metrics")[1]
            lags = re.findall(r'^newsflow_kafka_consumer_lag\{topic="articles",partition="\d"\} (\S+)$', text, re.M)
            done = (metric(text, "newsflow_articles_in_total") == 301 and len(lags) == 4
                    and all(float(x) == 0 for x in lags))
            return text if done else None
        text = wait_until(settled, 30)
        self.assertIsNotNone(text, "counters or lag did not settle:\n" + http_get(port, "/metrics")[1][:4000])
        self.assertEqual(metric(text, "newsflow_articles_out_total"), 300)
        self.assertEqual(metric(text, "newsflow_kafka_dead_lettered_total"), 1)
        # The one that is not JSON is rejected before any processor sees it.
        self.assertEqual(metric(text, 'newsflow_processor_duration_seconds_count', '{processor="normalize"}'), 300)
        rejected = re.findall(r'^newsflow_articles_rejected_total\{reason="(json\.[a-z_]+)",processor="decode"\} 1$', text, re.M)
        self.assertEqual(len(rejected), 1, text)
        self.assertEqual(metric(text, "newsflow_kafka_brokers_up", '{client="consumer"}') > 0, True)
        self.assertRegex(text, r'newsflow_build_info\{version="[^"]+",librdkafka="2\.\d+\.\d+"\} 1')
        self.assertEqual(prometheus_text.check(text), [])
        promtool = shutil.which("promtool")
        if promtool:  # Debian's prometheus package; the checker above stands in without it
            r = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stdout.decode() + r.stderr.decode())

        self.assertEqual(d.terminate()[0], 0)
        self.assertIsNone(http_get(port, "/healthz", timeout=2)[0], "the endpoint stops with the daemon")

    def test_a_second_daemon_on_the_same_metrics_port_refuses_to_start(self):
        port = free_port()
        first = self.daemon(port)
        self.assertTrue(wait_until(lambda: http_get(port, "/healthz")[0] == 200, 30))
        second = self.daemon(port)
        self.assertEqual(second.proc.wait(timeout=30), 1)
        self.assertIn("127.0.0.1:%d" % port, second.log_text())
        self.assertIsNone(first.proc.poll())

    def test_sighup_rereads_the_log_level_and_keeps_running_on_a_bad_file(self):
        self.write_config("warn")
        port = free_port()
        d = self.daemon(port)
        # Serving HTTP: past start-up, the handler is installed (it is before the models load).
        self.assertTrue(wait_until(lambda: http_get(port, "/healthz")[0] == 200, 30), d.log_text()[-2000:])
        self.write_config("debug")
        d.proc.send_signal(signal.SIGHUP)
        self.assertTrue(wait_until(lambda: "reload: log level now debug" in d.log_text(), 10), d.log_text()[-2000:])
        with open(self.config, "w") as f:
            f.write("logging: {level: loud}\n")
        d.proc.send_signal(signal.SIGHUP)
        self.assertTrue(wait_until(lambda: "is not valid; nothing changed" in d.log_text(), 10), d.log_text()[-2000:])
        self.assertIsNone(d.proc.poll(), "a bad file on reload must not stop the daemon")
        self.assertEqual(d.terminate()[0], 0)

    def test_a_kafka_password_never_reaches_the_log_even_at_debug_level(self):
        secret = "canary-Secret-%d" % os.getpid()
        with open(self.config, "w") as f:
            f.write("logging: {level: debug}\nchain: [normalize]\n"
                    "kafka:\n  consumer: {debug: all, sasl.username: u, sasl.password: %s}\n"
                    "  producer: {debug: all, sasl.password: %s}\n" % (secret, secret))
        d = self.daemon(0)
        self.assertTrue(wait_until(lambda: "assigned articles" in d.log_text(), 60), d.log_text()[-2000:])
        self.assertEqual(d.terminate()[0], 0)
        log = d.log_text()
        self.assertGreater(len(log.splitlines()), 100, "librdkafka's debug lines are in the log")
        self.assertNotIn(secret, log)

    def test_systemd_hears_ready_watchdog_pings_and_stopping(self):
        path = os.path.join(self.tmp.name, "notify.sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(sock.close)
        sock.bind(path)
        sock.settimeout(1)
        d = self.daemon(0, env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "1000000"})
        heard = []

        def listen(until, timeout):
            deadline = time.time() + timeout
            while time.time() < deadline and not until():
                try:
                    heard.extend(sock.recv(4096).decode().split("\n"))
                except socket.timeout:
                    pass
        listen(lambda: "READY=1" in heard and heard.count("WATCHDOG=1") >= 3, 30)
        self.assertIn("READY=1", heard)
        self.assertGreaterEqual(heard.count("WATCHDOG=1"), 3, heard)
        d.proc.send_signal(signal.SIGTERM)
        listen(lambda: "STOPPING=1" in heard, 15)
        self.assertIn("STOPPING=1", heard)
        self.assertEqual(d.proc.wait(timeout=30), 0)


if __name__ == "__main__":
    unittest.main()
