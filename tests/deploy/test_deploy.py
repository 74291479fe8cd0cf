"""deploy/: the deployment artifacts agree with each other and with the daemon.

Every config passes `newsflowd check-config`; the ports, paths and timeouts of the Dockerfile,
docker-compose.yml, the Kubernetes manifests, the systemd unit and the Prometheus config are
the ones the configs set; Prometheus, Grafana and systemd accept their files; the container
config's /healthz, /readyz and /metrics answer on its port.

    python3 tests/deploy/test_deploy.py [path/to/newsflowd]     # or NEWSFLOWD=... (ctest)

Only the standard library and PyYAML (Debian's python3-yaml). systemd-analyze and promtool
(Debian's prometheus package) are used when present; their tests are skipped otherwise.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
NEWSFLOWD = os.environ.get("NEWSFLOWD", str(REPO / "build/app/newsflowd"))

# The daemon cuts a stop short this long after kafka.shutdown_timeout_ms (docs/operations.md):
# a supervisor's stop timeout must allow for both.
STOP_CUT_SHORT_S = 10


def check_config_env():
    """Environment for check-config. The container, Kubernetes and production configs read
    their models from ${NEWSFLOW_MODELS:-/usr/share/newsflow/models}, which is not installed
    on a build machine: point it at the repository's models/ (the same files the image
    installs there). The ${VAR}s without a default get stand-in values."""
    env = dict(os.environ)
    env.update({
        "NEWSFLOW_MODELS": str(REPO / "models"),
        "KAFKA_BROKERS": "kafka-0.example.com:9093",
        "KAFKA_USERNAME": "newsflow",
        "KAFKA_PASSWORD": "pw-that-must-never-be-printed",
        "NEWSFLOW_REDIS_PASSWORD": "redis-pw-that-must-never-be-printed",
    })
    return env


def run_check_config(path):
    """check-config's exit status, output and effective configuration (None when invalid)."""
    p = subprocess.run([NEWSFLOWD, "check-config", "--config", str(path)], env=check_config_env(),
                       capture_output=True, text=True, timeout=300)
    effective = yaml.safe_load(p.stdout) if p.returncode == 0 else None
    return p, effective


def load(rel):
    with open(DEPLOY / rel, encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_all(rel):
    with open(DEPLOY / rel, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def k8s_objects():
    objects = {}
    for path in sorted((DEPLOY / "k8s").rglob("*.yaml")):  # examples/ too
        for doc in load_all(path.relative_to(DEPLOY)):
            objects[(doc["kind"], doc["metadata"]["name"])] = doc
    return objects


def configmap_config_text():
    cm = k8s_objects()[("ConfigMap", "newsflow-config")]
    return cm["data"]["newsflow.yaml"]


def dockerfile_instructions():
    """(INSTRUCTION, arguments) of deploy/Dockerfile, continuation lines joined."""
    out, pending = [], ""
    for line in (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        word, _, rest = full.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def dockerfile(instruction):
    return [rest for word, rest in dockerfile_instructions() if word == instruction]


def duration_seconds(text):
    """'45s', '1m30s', '2min', '45' -> seconds (compose and systemd spellings)."""
    text = str(text).strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    total, matched = 0, False
    for number, unit in re.findall(r"(\d+)\s*(min|ms|h|m|s)", text):
        total += int(number) * {"h": 3600, "min": 60, "m": 60, "s": 1, "ms": 0.001}[unit]
        matched = True
    if not matched:
        raise ValueError(f"not a duration: {text!r}")
    return total


def systemd_unit():
    """The unit's [Service] settings (the last value of each key)."""
    settings, section = {}, None
    for line in (DEPLOY / "systemd/newsflowd.service").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        settings[(section, key.strip())] = value.strip()
    return settings


class ShippedConfigs(unittest.TestCase):
    """The configs newsflowd reads: valid, reachable, and stoppable in time."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        configmap = Path(cls.tmp.name) / "configmap-newsflow.yaml"
        configmap.write_text(configmap_config_text(), encoding="utf-8")
        cls.configs = {
            "deploy/newsflow.yaml": DEPLOY / "newsflow.yaml",
            "deploy/newsflow-production.yaml": DEPLOY / "newsflow-production.yaml",
            "deploy/docker/newsflow.yaml": DEPLOY / "docker/newsflow.yaml",
            "deploy/sasl-ssl.example.yaml": DEPLOY / "sasl-ssl.example.yaml",
            "deploy/redis-shared-dedup.example.yaml": DEPLOY / "redis-shared-dedup.example.yaml",
            "deploy/k8s/configmap.yaml (newsflow.yaml)": configmap,
        }
        cls.checked = {name: run_check_config(path) for name, path in cls.configs.items()}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def effective(self, name):
        p, effective = self.checked[name]
        self.assertEqual(p.returncode, 0, f"check-config {name}:\n{p.stderr}")
        return effective

    def test_every_shipped_config_passes_check_config(self):
        for name in self.configs:
            with self.subTest(config=name):
                self.effective(name)

    def test_check_config_never_prints_the_kafka_password(self):
        for name in ("deploy/newsflow-production.yaml", "deploy/sasl-ssl.example.yaml"):
            with self.subTest(config=name):
                p, effective = self.checked[name]
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertNotIn(check_config_env()["KAFKA_PASSWORD"], p.stdout + p.stderr)
                self.assertEqual(effective["kafka"]["consumer"]["sasl.password"], "********")
                self.assertEqual(effective["kafka"]["producer"]["sasl.password"], "********")

    def test_shared_dedup_example_uses_redis_without_printing_its_password(self):
        p, effective = self.checked["deploy/redis-shared-dedup.example.yaml"]
        self.assertEqual(p.returncode, 0, p.stderr)
        dedup = next(step for step in effective["chain"] if step["type"] == "dedup")
        self.assertEqual(dedup["store"], "redis")
        self.assertEqual(dedup["redis"]["password"], "(set)")
        self.assertNotIn(check_config_env()["NEWSFLOW_REDIS_PASSWORD"], p.stdout + p.stderr)

    def test_sasl_example_authenticates_both_clients_over_tls(self):
        kafka = self.effective("deploy/sasl-ssl.example.yaml")["kafka"]
        for client in ("consumer", "producer"):
            with self.subTest(client=client):
                self.assertEqual(kafka[client]["security.protocol"], "SASL_SSL")
                self.assertEqual(kafka[client]["sasl.mechanisms"], "SCRAM-SHA-512")
                self.assertEqual(kafka[client]["sasl.username"], check_config_env()["KAFKA_USERNAME"])

    def test_container_configs_serve_http_on_all_interfaces(self):
        # 127.0.0.1 inside a container: kubelet's probes and Prometheus could not connect.
        for name in ("deploy/docker/newsflow.yaml", "deploy/k8s/configmap.yaml (newsflow.yaml)"):
            with self.subTest(config=name):
                http = self.effective(name)["http"]
                self.assertEqual(http["address"], "0.0.0.0")
                self.assertNotEqual(http["port"], 0, "port 0 turns the endpoint off")

    def test_compose_publishes_the_port_the_container_config_serves(self):
        port = self.effective("deploy/docker/newsflow.yaml")["http"]["port"]
        service = load("docker-compose.yml")["services"]["newsflowd"]
        container_ports = [int(str(p).split(":")[-1].split("/")[0]) for p in service.get("ports", [])]
        self.assertIn(port, container_ports)

    def test_dockerfile_exposes_and_health_checks_the_container_config_port(self):
        port = self.effective("deploy/docker/newsflow.yaml")["http"]["port"]
        exposed = [int(p.split("/")[0]) for rest in dockerfile("EXPOSE") for p in rest.split()]
        self.assertIn(port, exposed)
        for healthcheck in dockerfile("HEALTHCHECK"):
            self.assertIn(f"/dev/tcp/127.0.0.1/{port}", healthcheck)
            self.assertIn("/healthz", healthcheck)

    def test_prometheus_scrapes_the_daemons_port(self):
        port = self.effective("deploy/docker/newsflow.yaml")["http"]["port"]
        jobs = {j["job_name"]: j for j in load("prometheus/prometheus.yml")["scrape_configs"]}
        job = jobs["newsflow"]  # the alerts' up{job="newsflow"} selects it
        self.assertEqual(job.get("metrics_path", "/metrics"), "/metrics")
        targets = [t for sc in job["static_configs"] for t in sc["targets"]]
        self.assertIn(f"newsflowd:{port}", targets)
        self.assertIn("newsflowd", load("docker-compose.yml")["services"])

    def test_k8s_probes_use_healthz_and_readyz_on_the_configured_port(self):
        port = self.effective("deploy/k8s/configmap.yaml (newsflow.yaml)")["http"]["port"]
        objects = k8s_objects()
        container = objects[("Deployment", "newsflowd")]["spec"]["template"]["spec"]["containers"][0]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        self.assertEqual(ports.get("metrics"), port)

        def probe(kind):
            get = container[kind]["httpGet"]
            return get["path"], ports.get(get["port"], get["port"])

        self.assertEqual(probe("livenessProbe"), ("/healthz", port))
        self.assertEqual(probe("readinessProbe"), ("/readyz", port))
        if "startupProbe" in container:
            self.assertEqual(probe("startupProbe"), ("/healthz", port))
        service = objects[("Service", "newsflowd")]
        self.assertEqual(service["metadata"]["annotations"]["prometheus.io/port"], str(port))
        self.assertEqual(service["metadata"]["annotations"]["prometheus.io/path"], "/metrics")
        self.assertIn(service["spec"]["ports"][0]["targetPort"], ("metrics", port))

    def test_the_dedup_state_lives_on_a_writable_volume(self):
        # The image's VOLUME, compose's named volume and the pod's volume hold state_dir (the
        # pod's root file system is read-only).
        def holds(mount, path):
            return path == mount or path.startswith(mount.rstrip("/") + "/")

        def state_dir(name):
            dirs = [p["state_dir"] for p in self.effective(name)["chain"] if p["type"] == "dedup"]
            self.assertEqual(len(dirs), 1)
            return dirs[0]

        docker_state = state_dir("deploy/docker/newsflow.yaml")
        volumes = [v for rest in dockerfile("VOLUME") for v in rest.strip("[]").replace('"', "").split()]
        self.assertTrue(any(holds(v, docker_state) for v in volumes), (docker_state, volumes))
        mounts = [m.split(":")[1] for m in load("docker-compose.yml")["services"]["newsflowd"]["volumes"]
                  if not m.startswith((".", "/"))]
        self.assertTrue(any(holds(m, docker_state) for m in mounts), (docker_state, mounts))

        k8s_state = state_dir("deploy/k8s/configmap.yaml (newsflow.yaml)")
        pod = k8s_objects()[("Deployment", "newsflowd")]["spec"]["template"]["spec"]
        container = pod["containers"][0]
        self.assertTrue(container["securityContext"]["readOnlyRootFilesystem"])
        writable = [m["mountPath"] for m in container["volumeMounts"] if not m.get("readOnly")]
        self.assertTrue(any(holds(m, k8s_state) for m in writable), (k8s_state, writable))

    def test_supervisors_wait_for_a_graceful_stop(self):
        # SIGTERM drains, commits and leaves the group within kafka.shutdown_timeout_ms, and
        # the daemon cuts a stop short 10 s later: a SIGKILL before that loses the commit.
        def needed(name):
            return self.effective(name)["kafka"]["shutdown_timeout_ms"] / 1000 + STOP_CUT_SHORT_S

        pod = k8s_objects()[("Deployment", "newsflowd")]["spec"]["template"]["spec"]
        self.assertGreater(pod["terminationGracePeriodSeconds"],
                           needed("deploy/k8s/configmap.yaml (newsflow.yaml)"))
        compose = load("docker-compose.yml")["services"]["newsflowd"]
        self.assertGreater(duration_seconds(compose["stop_grace_period"]), needed("deploy/docker/newsflow.yaml"))
        # The unit runs /etc/newsflow/newsflow.yaml: deploy/README.md installs the production
        # config there.
        unit = systemd_unit()
        self.assertGreater(duration_seconds(unit[("Service", "TimeoutStopSec")]),
                           needed("deploy/newsflow-production.yaml"))


class ContainerWiring(unittest.TestCase):
    """Paths and names that the image, compose, Kubernetes and systemd must share."""

    def test_every_yaml_file_in_deploy_parses(self):
        files = sorted(p for p in DEPLOY.rglob("*") if p.suffix in (".yml", ".yaml"))
        self.assertGreater(len(files), 10)
        for path in files:
            with self.subTest(file=str(path.relative_to(REPO))):
                docs = load_all(path.relative_to(DEPLOY))
                self.assertTrue(docs, "no document")
        yaml.safe_load(configmap_config_text())

    def test_image_runs_the_config_it_ships_and_compose_mounts(self):
        entrypoint = json.loads(dockerfile("ENTRYPOINT")[-1])
        cmd = json.loads(dockerfile("CMD")[-1])
        self.assertEqual(entrypoint, ["/usr/local/bin/newsflowd"])
        self.assertEqual(cmd[:1], ["run"])
        config_path = cmd[cmd.index("--config") + 1]
        copies = [rest.split() for rest in dockerfile("COPY")]
        self.assertIn(["deploy/docker/newsflow.yaml", config_path], copies)
        mounts = load("docker-compose.yml")["services"]["newsflowd"]["volumes"]
        self.assertIn(f"./docker/newsflow.yaml:{config_path}:ro", mounts)
        # Kubernetes passes the same arguments and mounts the ConfigMap's key there.
        objects = k8s_objects()
        pod = objects[("Deployment", "newsflowd")]["spec"]["template"]["spec"]
        container = pod["containers"][0]
        self.assertEqual(container["args"], cmd)
        config_dir, config_file = config_path.rsplit("/", 1)
        volumes = {v["name"]: v for v in pod["volumes"]}
        mount = [m for m in container["volumeMounts"] if m["mountPath"] == config_dir]
        self.assertEqual(len(mount), 1, container["volumeMounts"])
        configmap = volumes[mount[0]["name"]]["configMap"]["name"]
        self.assertIn(config_file, objects[("ConfigMap", configmap)]["data"])

    def test_image_installs_the_models_where_the_configs_look(self):
        copies = [rest.split() for rest in dockerfile("COPY")]
        self.assertIn(["--from=build", "/src/models/", "/usr/share/newsflow/models/"], copies)
        for rel in ("docker/newsflow.yaml", "newsflow-production.yaml", "sasl-ssl.example.yaml"):
            with self.subTest(config=rel):
                self.assertIn("${NEWSFLOW_MODELS:-/usr/share/newsflow/models}/lid.176.ftz",
                              (DEPLOY / rel).read_text(encoding="utf-8"))
        self.assertIn("${NEWSFLOW_MODELS:-/usr/share/newsflow/models}/lid.176.ftz", configmap_config_text())

    def test_files_mounted_by_compose_exist(self):
        compose = load("docker-compose.yml")
        for name, service in compose["services"].items():
            for volume in service.get("volumes", []):
                source = volume.split(":")[0]
                if source.startswith((".", "/")):
                    with self.subTest(service=name, mount=volume):
                        self.assertTrue((DEPLOY / source).exists(), source)
                else:
                    self.assertIn(source, compose["volumes"], f"{name}: undeclared volume {source}")
            if "build" in service:
                context = DEPLOY / service["build"]["context"]
                self.assertTrue((context / service["build"]["dockerfile"]).is_file())
                self.assertTrue((context / "CMakeLists.txt").is_file(), "the context is the repository root")

    def test_compose_starts_newsflowd_after_the_topics_exist(self):
        services = load("docker-compose.yml")["services"]
        self.assertEqual(services["newsflowd"]["depends_on"]["kafka-init"]["condition"],
                         "service_completed_successfully")
        script = " ".join(services["kafka-init"]["command"])
        words = set(re.findall(r"[A-Za-z0-9._-]+", script))
        kafka = load("docker/newsflow.yaml")["kafka"]
        for topic in kafka["input"] + [kafka["output"], kafka["dead_letter"], kafka["duplicates"]]:
            self.assertIn(topic, words)
        self.assertIn("--topic articles --partitions 8", script)
        self.assertNotIn("redis", services, "newsflowd uses no Redis yet (issue #10)")

    def test_grafana_loads_the_dashboard_from_a_mounted_directory(self):
        mounts = {m.split(":")[1]: m.split(":")[0]
                  for m in load("docker-compose.yml")["services"]["grafana"]["volumes"] if m.startswith(".")}
        provider = load("grafana/provisioning/dashboards/providers.yml")["providers"][0]
        source = mounts[provider["options"]["path"]]
        self.assertTrue((DEPLOY / source / "newsflow.json").is_file())
        datasource = load("grafana/provisioning/datasources/prometheus.yml")["datasources"][0]
        self.assertEqual(datasource["url"], "http://prometheus:9090")
        self.assertIn("prometheus", load("docker-compose.yml")["services"])

    def test_grafana_dashboard_is_a_dashboard(self):
        with open(DEPLOY / "grafana/dashboards/newsflow.json", encoding="utf-8") as f:
            dashboard = json.load(f)
        self.assertGreaterEqual(dashboard["schemaVersion"], 36)
        self.assertEqual(dashboard["uid"], "newsflow")
        panels = [p for p in dashboard["panels"] if p["type"] != "row"]
        ids = [p["id"] for p in dashboard["panels"]]
        self.assertEqual(len(ids), len(set(ids)), "panel ids must be unique")
        for panel in panels:
            with self.subTest(panel=panel["title"]):
                self.assertTrue(panel["targets"])
                pos = panel["gridPos"]
                self.assertLessEqual(pos["x"] + pos["w"], 24)
        titles = " ".join(p["title"].lower() for p in panels)
        for word in ("articles", "dead letters", "duplicates", "p99", "lag", "queue", "partitions",
                     "rebalances", "delivery errors", "readiness"):
            self.assertIn(word, titles)

    def test_k8s_selectors_match_the_pods(self):
        objects = k8s_objects()
        deployment = objects[("Deployment", "newsflowd")]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        selectors = {
            "Deployment": deployment["spec"]["selector"]["matchLabels"],
            "Service": objects[("Service", "newsflowd")]["spec"]["selector"],
            "PodDisruptionBudget": objects[("PodDisruptionBudget", "newsflowd")]["spec"]["selector"]["matchLabels"],
        }
        for kind, selector in selectors.items():
            with self.subTest(kind=kind):
                self.assertLessEqual(selector.items(), labels.items())
        self.assertEqual(deployment["spec"]["replicas"], 2)
        self.assertEqual(objects[("PodDisruptionBudget", "newsflowd")]["spec"]["minAvailable"], 1)

    def test_k8s_pods_run_as_the_images_non_root_user(self):
        pod = k8s_objects()[("Deployment", "newsflowd")]["spec"]["template"]["spec"]
        self.assertTrue(pod["securityContext"]["runAsNonRoot"])
        user = dockerfile("USER")[-1].split(":")[0]
        self.assertEqual(str(pod["securityContext"]["runAsUser"]), user)
        self.assertIn(f"--uid {user}", " ".join(dockerfile("RUN")))

    def test_k8s_sasl_secret_example_has_the_keys_the_deployment_reads(self):
        secret = k8s_objects()[("Secret", "newsflow-kafka-sasl")]
        self.assertEqual(set(secret["stringData"]), {"username", "password"})
        # The env that reads it is commented out in deployment.yaml: uncommented, it parses
        # and names this Secret's keys.
        lines, started = [], False
        for line in (DEPLOY / "k8s/deployment.yaml").read_text(encoding="utf-8").splitlines():
            content = re.sub(r"^\s*# ?", "", line) if line.lstrip().startswith("#") else None
            if content is not None and content.startswith("- name: KAFKA_"):
                started = True
            if started:
                if content is None:
                    break
                lines.append(content)
        refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in yaml.safe_load("\n".join(lines))}
        self.assertEqual(refs["KAFKA_USERNAME"], {"name": "newsflow-kafka-sasl", "key": "username"})
        self.assertEqual(refs["KAFKA_PASSWORD"], {"name": "newsflow-kafka-sasl", "key": "password"})

    def test_systemd_unit_runs_the_installed_binary_under_notify(self):
        unit = systemd_unit()
        self.assertEqual(unit[("Service", "Type")], "notify")
        self.assertEqual(unit[("Service", "ExecStart")],
                         "/usr/local/bin/newsflowd run --config /etc/newsflow/newsflow.yaml")
        self.assertEqual(unit[("Service", "ExecReload")], "/bin/kill -HUP $MAINPID")
        self.assertEqual(unit[("Service", "User")], "newsflow")
        self.assertEqual(unit[("Service", "StateDirectory")], "newsflow")  # /var/lib/newsflow

    def test_systemd_accepts_the_unit(self):
        analyze = shutil.which("systemd-analyze")
        if not analyze:
            self.skipTest("systemd-analyze not installed")
        # verify checks that ExecStart's binary exists: /usr/local/bin/newsflowd is not
        # installed on a build machine, so a copy of the unit runs the built binary instead;
        # everything else is verified as shipped.
        text = (DEPLOY / "systemd/newsflowd.service").read_text(encoding="utf-8")
        self.assertIn("/usr/local/bin/newsflowd", text)
        with tempfile.TemporaryDirectory() as tmp:
            unit = Path(tmp) / "newsflowd.service"
            unit.write_text(text.replace("/usr/local/bin/newsflowd", str(Path(NEWSFLOWD).resolve())),
                            encoding="utf-8")
            p = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=120)
        # Unknown or misspelt settings are only warnings ("Unknown key name ..., ignoring"):
        # any line about this unit fails the test.
        about_unit = [l for l in (p.stdout + p.stderr).splitlines() if "newsflowd" in l]
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(about_unit, [])


class Monitoring(unittest.TestCase):
    """Prometheus accepts the config and rules, the alerts fire when they should, and the
    alerts and the dashboard query metrics the daemon exports."""

    def promtool(self, *args, cwd=None):
        promtool = shutil.which("promtool")
        if not promtool:
            self.skipTest("promtool not installed (Debian package prometheus)")
        return subprocess.run([promtool, *args], capture_output=True, text=True, timeout=120, cwd=cwd)

    def rules(self):
        return load("prometheus/alerts.yml")

    def dashboard_queries(self):
        with open(DEPLOY / "grafana/dashboards/newsflow.json", encoding="utf-8") as f:
            dashboard = json.load(f)
        return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]

    def test_promtool_accepts_the_prometheus_config_and_rules(self):
        p = self.promtool("check", "config", str(DEPLOY / "prometheus/prometheus.yml"))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        p = self.promtool("check", "rules", str(DEPLOY / "prometheus/alerts.yml"))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_dashboard_queries_are_valid_promql(self):
        # Grafana's variables replaced by what they expand to; promtool parses each query as
        # a recording rule.
        rules = [{"record": f"dashboard:query_{i}",
                  "expr": e.replace("$__rate_interval", "1m").replace("$job", ".*").replace("$instance", ".*")}
                 for i, e in enumerate(self.dashboard_queries())]
        with tempfile.NamedTemporaryFile("w", suffix=".yml") as f:
            yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, f)
            f.flush()
            p = self.promtool("check", "rules", f.name)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_alerts_fire_on_a_stall_delivery_errors_and_slow_articles(self):
        # The rules without annotations (their text is for people), against synthetic series
        # one minute apart.
        groups = self.rules()["groups"]
        for g in groups:
            for r in g["rules"]:
                r.pop("annotations", None)
        tests = {"rule_files": ["alerts.yml"], "evaluation_interval": "1m", "tests": [{
            "interval": "1m",
            "input_series": [
                # Job "stalled": nothing out, lag grows. Job "busy": articles flow, lag grows.
                {"series": 'newsflow_articles_out_total{job="stalled",instance="a"}', "values": "100+0x40"},
                {"series": 'newsflow_kafka_consumer_lag{job="stalled",instance="a",topic="articles",partition="0"}',
                 "values": "0+100x40"},
                {"series": 'newsflow_articles_out_total{job="busy",instance="b"}', "values": "0+600x40"},
                {"series": 'newsflow_kafka_consumer_lag{job="busy",instance="b",topic="articles",partition="0"}',
                 "values": "0+100x40"},
                {"series": 'newsflow_kafka_delivery_errors_total{job="busy",instance="b"}',
                 "values": "0 0 0 0 0 0 0 0 0 0 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3"},
                # 90% of articles between 50 ms and 500 ms: p99 near 0.5 s.
                {"series": 'newsflow_article_duration_seconds_bucket{job="busy",instance="b",le="0.05"}',
                 "values": "0+10x40"},
                {"series": 'newsflow_article_duration_seconds_bucket{job="busy",instance="b",le="0.5"}',
                 "values": "0+100x40"},
                {"series": 'newsflow_article_duration_seconds_bucket{job="busy",instance="b",le="+Inf"}',
                 "values": "0+100x40"},
            ],
            "alert_rule_test": [
                {"eval_time": "30m", "alertname": "NewsflowStalled",
                 "exp_alerts": [{"exp_labels": {"job": "stalled", "severity": "critical"}}]},
                {"eval_time": "12m", "alertname": "NewsflowDeliveryErrors",
                 "exp_alerts": [{"exp_labels": {"job": "busy", "instance": "b", "severity": "critical"}}]},
                {"eval_time": "30m", "alertname": "NewsflowDeliveryErrors", "exp_alerts": []},
                {"eval_time": "30m", "alertname": "NewsflowSlowArticles",
                 "exp_alerts": [{"exp_labels": {"job": "busy", "severity": "warning"}}]},
                {"eval_time": "30m", "alertname": "NewsflowConsumerLagHigh", "exp_alerts": []},
            ],
        }]}
        with tempfile.TemporaryDirectory() as tmp:
            with open(Path(tmp) / "alerts.yml", "w", encoding="utf-8") as f:
                yaml.safe_dump({"groups": groups}, f)
            with open(Path(tmp) / "alerts_test.yml", "w", encoding="utf-8") as f:
                yaml.safe_dump(tests, f)
            p = self.promtool("test", "rules", "alerts_test.yml", cwd=tmp)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_alerts_and_dashboard_use_metrics_the_daemon_defines(self):
        # Every newsflow_* name queried is declared in the daemon's sources (histograms by
        # their family name, without _bucket/_sum/_count).
        queried = set()
        for expr in [r["expr"] for g in self.rules()["groups"] for r in g["rules"]] + self.dashboard_queries():
            for name in re.findall(r"\bnewsflow_[a-z0-9_]+", expr):
                queried.add(re.sub(r"_(bucket|sum|count)$", "", name) if "_seconds_" in name else name)
        defined = set()
        for folder in ("app", "pipeline", "processors", "connectors"):
            for source in (REPO / folder).rglob("*.cc"):
                if "tests" not in source.parts:
                    defined.update(re.findall(r'"(newsflow_[a-z0-9_]+)"', source.read_text(encoding="utf-8")))
        self.assertGreater(len(queried), 20)
        self.assertEqual(sorted(queried - defined), [], "queried but not defined by newsflowd")


class ContainerConfigEndpoints(unittest.TestCase):
    """The container config, run as the image runs it (its own development broker standing in
    for Kafka): /healthz, /readyz and /metrics answer on its http port, and SIGTERM stops it
    within the time compose and Kubernetes give it."""

    def get(self, port, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type", ""), e.read().decode()

    def test_probes_and_metrics_answer_on_the_configured_port(self):
        config = yaml.safe_load((DEPLOY / "docker/newsflow.yaml").read_text(encoding="utf-8"))
        # The configured port (9740) is checked above against compose, the Dockerfile and
        # Prometheus; here a free one (--http-port), so a daemon or test already on 9740
        # cannot interfere.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with tempfile.TemporaryDirectory() as tmp:
            # The image's volume is /var/lib/newsflow; here a temporary directory.
            text = (DEPLOY / "docker/newsflow.yaml").read_text(encoding="utf-8")
            text, n = re.subn(r"state_dir: /var/lib/newsflow/dedup", f"state_dir: {tmp}/dedup", text)
            self.assertEqual(n, 1)
            cfg = Path(tmp) / "newsflow.yaml"
            cfg.write_text(text, encoding="utf-8")
            env = check_config_env()
            env["NEWSFLOW_WORKERS"] = "1"
            with open(Path(tmp) / "log", "w+", encoding="utf-8") as log:
                proc = subprocess.Popen([NEWSFLOWD, "run", "--config", str(cfg), "--embedded-broker",
                                         "--http-port", str(port)],
                                        env=env, stdout=log, stderr=subprocess.STDOUT)
                try:
                    self.exercise(proc, port, config, log)
                finally:
                    if proc.poll() is None:
                        proc.kill()
                        proc.wait()

    def exercise(self, proc, port, config, log):
        def fail(message):
            log.seek(0)
            self.fail(f"{message}\n--- newsflowd log ---\n{log.read()[-4000:]}")

        def wait_for(path, status, seconds):
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    fail(f"newsflowd exited with {proc.returncode} before {path} answered {status}")
                try:
                    if self.get(port, path)[0] == status:
                        return
                except OSError:
                    pass
                time.sleep(0.5)
            fail(f"{path} did not answer {status} within {seconds} s")

        # The endpoint opens once the models are loaded (slow on a busy machine).
        wait_for("/healthz", 200, 240)
        wait_for("/readyz", 200, 120)  # the consumer group's first assignment
        status, content_type, body = self.get(port, "/metrics")
        self.assertEqual(status, 200)
        self.assertIn("version=0.0.4", content_type)
        self.assertIn("# TYPE newsflow_build_info gauge", body)
        self.assertIn("# TYPE newsflow_articles_in_total counter", body)
        proc.send_signal(signal.SIGTERM)
        budget = config["kafka"]["shutdown_timeout_ms"] / 1000 + STOP_CUT_SHORT_S
        try:
            proc.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            fail(f"SIGTERM: still running after {budget} s")
        if proc.returncode != 0:
            fail(f"SIGTERM: exit status {proc.returncode}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        NEWSFLOWD = sys.argv.pop(1)
    unittest.main(verbosity=2)
