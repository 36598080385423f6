#!/usr/bin/env python3
"""run_tap.py - run unittest modules and print TAP for meson.

usage: run_tap.py MODULE...   (module names in this directory)
Each test method is one TAP line; a skipped test is "ok N # SKIP reason",
so a skip is visible in the meson log with its reason.
"""
import os
import sys
import traceback
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


class TapResult(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.n = 0
        self.failed = 0

    def _line(self, ok, test, extra=""):
        self.n += 1
        name = test.id().split(".", 1)[-1]
        doc = test.shortDescription()
        if doc:
            name += " - " + doc
        print("%s %d - %s%s" % ("ok" if ok else "not ok", self.n, name.replace("#", ""), extra), flush=True)

    @staticmethod
    def _diag(err):
        text = "".join(traceback.format_exception(*err))
        print("\n".join("# " + l for l in text.rstrip().splitlines()), flush=True)

    def addSuccess(self, test):
        self._line(True, test)

    def addFailure(self, test, err):
        self.failed += 1
        self._line(False, test)
        self._diag(err)

    def addError(self, test, err):
        self.failed += 1
        self._line(False, test)
        self._diag(err)

    def addSkip(self, test, reason):
        self._line(True, test, " # SKIP " + reason.replace("\n", " "))

    def addExpectedFailure(self, test, err):
        self._line(True, test, " # TODO expected failure")

    def addUnexpectedSuccess(self, test):
        self.failed += 1
        self._line(False, test, " (unexpected success)")

    def addSubTest(self, test, subtest, err):
        if err is not None:
            self.failed += 1
            self._line(False, subtest)
            self._diag(err)


def main(argv):
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    for name in argv[1:]:
        suite.addTests(loader.loadTestsFromName(name))
    result = TapResult()
    suite.run(result)
    print("1..%d" % result.n)
    print("# %d run, %d failed" % (result.n, result.failed))
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
