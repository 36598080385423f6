"""test_dask.py - re-validating a corpus on Dask distributed: a LocalCluster
of two worker processes, each loading the packs once, gives the same
totals as one process (and as the C command line)."""
import logging
import os
import subprocess
import sys
import tempfile
import unittest

import support


sys.path.insert(0, os.path.join(support.BINDING, "examples"))
import dask_revalidate as dr  # noqa: E402

try:
    import distributed
    from distributed import Client, LocalCluster
except ImportError as e:  # CI installs python3-distributed; say why when it is missing
    distributed = None
    MISSING = "distributed cannot be imported by %s (%s): install python3-distributed" % (sys.executable, e)


class RangeTest(unittest.TestCase):
    def test_ranges_cover_every_line_once(self):
        """byte ranges of any size give each line to exactly one range"""
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "a.ndjson")
            lines = [("%d" % i) * (i % 13 + 1) + "\n" for i in range(200)]
            with open(p, "w") as f:
                f.write("".join(lines) + "last-without-newline")
            want = [l.encode() for l in lines] + [b"last-without-newline"]
            for chunk in (1, 2, 7, 64, 1000, 1 << 20):
                with self.subTest(chunk=chunk):
                    got = [l for r in dr.split_ranges([p], chunk) for l in dr.read_range(*r)]
                    self.assertEqual(got, want)

    def test_single_process_counts(self):
        """the synthetic archive's defects are exactly the invalid messages"""
        with tempfile.TemporaryDirectory() as d:
            made = dr.make_corpus(d, support.EXAMPLES, messages=600, files=2)
            files = sorted(os.path.join(d, f) for f in os.listdir(d))
            total = dr.revalidate_single([support.PACKS], dr.split_ranges(files, 4096))
            self.assertEqual(total.messages, made["messages"])
            self.assertEqual(total.invalid, made["defective"])
            self.assertGreater(made["defective"], 50)


@unittest.skipIf(distributed is None, MISSING if distributed is None else "")
class DaskTest(unittest.TestCase):
    MESSAGES = 4000

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.made = dr.make_corpus(cls.tmp.name, support.EXAMPLES, messages=cls.MESSAGES, files=3)
        cls.files = sorted(os.path.join(cls.tmp.name, f) for f in os.listdir(cls.tmp.name))
        # small ranges: many more tasks than workers
        cls.ranges = dr.split_ranges(cls.files, 64 << 10)
        # worker processes are spawned: they find the binding, the example
        # module and the library through the environment they inherit
        path = os.pathsep.join([support.BINDING, os.path.join(support.BINDING, "examples")])
        old = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = path + (os.pathsep + old if old else "")
        cls.cluster = LocalCluster(n_workers=2, threads_per_worker=2, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
        cls.client = Client(cls.cluster)
        dr.register_packs(cls.client, [support.PACKS])

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.cluster.close()
        cls.tmp.cleanup()

    def test_totals_equal_single_process(self):
        """two workers' totals equal a single-process run, rule by rule"""
        self.assertGreater(len(self.ranges), 8)
        dask_total = dr.revalidate(self.client, self.ranges)
        single = dr.revalidate_single([support.PACKS], self.ranges)
        self.assertEqual(dask_total, single)
        self.assertEqual(dask_total.messages, self.MESSAGES)
        self.assertEqual(dask_total.invalid, self.made["defective"])
        self.assertEqual(sum(dask_total.by_type.values()), self.MESSAGES)
        self.assertTrue(dask_total.by_rule)

    def test_each_worker_loads_once(self):
        """the packs are loaded once per worker, however many tasks ran"""
        dr.revalidate(self.client, self.ranges)
        dr.revalidate(self.client, self.ranges)
        counters = dr.worker_counters(self.client)
        self.assertEqual(len(counters), 2)
        for addr, c in counters.items():
            self.assertEqual(c["loads"], 1, addr)
        self.assertGreaterEqual(sum(c["tasks"] for c in counters.values()), 2 * len(self.ranges))

    def test_cli_agrees(self):
        """the C command line counts the same archive the same way"""
        cli = os.environ.get("CBECSTD_CLI")
        if not cli:
            self.skipTest("CBECSTD_CLI not set: no CLI to compare with")
        r = subprocess.run([cli, "validate", "--ndjson", "-q", "-p", support.PACKS, *self.files],
                           capture_output=True, timeout=300)
        total = dr.revalidate(self.client, self.ranges)
        self.assertEqual(r.stdout.decode().strip(), total.summary())

    def test_example_script(self):
        """the example runs as a script on its own local cluster"""
        env = support.subprocess_env()
        r = subprocess.run([sys.executable, os.path.join(support.BINDING, "examples", "dask_revalidate.py"),
                            "--packs", support.PACKS, "--local-workers", "2", "--chunk-mib", "0.1",
                            "--json", *self.files], env=env, capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 1, r.stderr)     # the archive has invalid messages
        import json
        got = json.loads(r.stdout)
        self.assertEqual((got["messages"], got["invalid"]), (self.MESSAGES, self.made["defective"]))
        self.assertEqual(r.stderr.count("packs loaded 1 time(s)"), 2, r.stderr)


if __name__ == "__main__":
    unittest.main()
