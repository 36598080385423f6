#!/usr/bin/env python3
"""The public header compiles alone as strict C99 and as C++, with gcc and
clang, with every warning an error."""
import os
import shutil
import subprocess
import sys
import tempfile

header = os.path.abspath(sys.argv[1])
incdir = os.path.dirname(header)
combos = []
for cc, cxx in (("gcc", "g++"), ("clang", "clang++")):
    if shutil.which(cc):
        combos.append((cc, ["-x", "c", "-std=c99", "-pedantic"]))
    if shutil.which(cxx):
        combos.append((cxx, ["-x", "c++", "-std=c++11", "-pedantic"]))
print("1..%d" % len(combos))
failed = 0
with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "use.c")
    with open(src, "w") as f:
        f.write('#include "cbecstd.h"\n'
                'int use(void);\n'
                'int use(void) { cbec_report *r = 0; return (int)cbec_report_count(r) + CBEC_OK; }\n')
    for i, (cc, flags) in enumerate(combos, 1):
        cmd = [cc, *flags, "-Wall", "-Wextra", "-Werror", "-I", incdir, "-c", src, "-o", os.path.join(tmp, "use.o")]
        r = subprocess.run(cmd, capture_output=True, text=True)
        name = "%s %s" % (cc, " ".join(flags))
        if r.returncode:
            failed += 1
            print("not ok %d - %s\n# %s" % (i, name, r.stderr.replace("\n", "\n# ")))
        else:
            print("ok %d - %s" % (i, name))
print("# %d passed, %d failed" % (len(combos) - failed, failed))
sys.exit(1 if failed else 0)
