"""test_threads.py - one Pack shared by many threads gives the same reports
as one thread; a shared Validator serialises; closing waits for running
validations."""
import json
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

import support

import cbecstd


def corpus():
    """Orders with a spread of defects, and the other examples."""
    base = json.loads(support.example("order.json"))
    msgs = []
    for i in range(60):
        d = json.loads(json.dumps(base))
        if i % 2:
            d["tradeMode"] = "000%d" % (i % 10)
        if i % 3 == 0:
            d["items"][0]["quantity"] = "-%d" % i
        if i % 7 == 0:
            d["buyer"]["phone"] = "0%d" % i
        msgs.append(json.dumps(d, ensure_ascii=False).encode("utf-8"))
    msgs.append(support.example("payment.json"))
    msgs.append(support.example("logistics-status.json"))
    msgs.append(b"{not json")
    return msgs


def key(rep):
    return (rep.valid, rep.message_type, tuple(rep.findings))


class ThreadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pack = cbecstd.Pack.load(support.PACKS)
        cls.msgs = corpus()
        cls.expected = [key(cls.pack.validate(m, lang="zh-CN")) for m in cls.msgs]

    @classmethod
    def tearDownClass(cls):
        cls.pack.close()

    def test_shared_pack(self):
        """8 threads, 40 rounds over one Pack, agree with a single thread"""
        def work(round_no):
            order = list(range(len(self.msgs)))
            order = order[round_no % len(order):] + order[:round_no % len(order)]
            return [(i, key(self.pack.validate(self.msgs[i], lang="zh-CN"))) for i in order]

        with ThreadPoolExecutor(max_workers=8) as ex:
            results = list(ex.map(work, range(40)))
        for res in results:
            for i, k in res:
                self.assertEqual(k, self.expected[i])

    def test_one_validator_per_thread(self):
        """Pack.validate gives each thread a validator of its own"""
        seen = {}
        barrier = threading.Barrier(4)

        def work():
            self.pack.validate(self.msgs[0])
            barrier.wait()
            seen[threading.get_ident()] = id(self.pack._local.validator)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(set(seen.values())), 4)

    def test_shared_validator_serialises(self):
        """a Validator shared by threads stays correct (calls take turns)"""
        with self.pack.validator() as v:
            def work(i):
                return i, key(v.validate(self.msgs[i], lang="zh-CN"))

            with ThreadPoolExecutor(max_workers=6) as ex:
                for i, k in ex.map(work, list(range(len(self.msgs))) * 3):
                    self.assertEqual(k, self.expected[i])

    def test_stats_from_threads(self):
        """Stats.add from many threads counts every report once"""
        with cbecstd.Stats() as st:
            def work(i):
                with self.pack.validate(self.msgs[i % len(self.msgs)]) as rep:
                    st.add(rep)

            with ThreadPoolExecutor(max_workers=8) as ex:
                list(ex.map(work, range(400)))
            self.assertEqual(st.to_dict()["messages"], 400)

    def test_close_waits_for_running_validations(self):
        """closing a Pack while threads validate: they finish, later calls fail cleanly"""
        pack = cbecstd.Pack.load(support.PACKS)
        stop = threading.Event()
        outcomes = {"ok": 0, "closed": 0, "other": []}
        lock = threading.Lock()

        def work():
            while not stop.is_set():
                try:
                    pack.validate(self.msgs[0])
                    with lock:
                        outcomes["ok"] += 1
                except cbecstd.StateError:
                    with lock:
                        outcomes["closed"] += 1
                    return
                except Exception as e:   # anything else is a bug
                    with lock:
                        outcomes["other"].append(repr(e))
                    return

        threads = [threading.Thread(target=work) for _ in range(6)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        pack.close()
        for t in threads:
            t.join(30)
        stop.set()
        self.assertEqual(outcomes["other"], [])
        self.assertGreater(outcomes["ok"], 0)
        self.assertEqual(outcomes["closed"], 6)
        self.assertIsNone(pack._handle)

    def test_hot_reload_while_validating(self):
        """reloading the packs while threads validate disturbs no validation"""
        pack = cbecstd.Pack.load(support.PACKS)
        errors = []
        stop = threading.Event()

        def work():
            while not stop.is_set():
                rep = pack.validate(self.msgs[1], lang="zh-CN")
                if key(rep) != self.expected[1]:
                    errors.append(rep.findings)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for _ in range(10):
            pack.reload(support.PACKS)
        stop.set()
        for t in threads:
            t.join(30)
        pack.close()
        self.assertEqual(errors, [])


if __name__ == "__main__":
    unittest.main()
