#!/usr/bin/env python3
"""Every `safeguard` command as a user calls it (CTest `cli_usage`).

--help on every command (exit 0, the usage on stdout), --quiet accepted by every command
and silencing stderr, option values given as `--name VALUE` or `--name=VALUE` with the same
result, and usage mistakes answered with exit 2, the command's name, what was wrong and a
pointer to its --help, on stderr only.

    python3 tests/cli/cli_usage.py path/to/safeguard
"""
import os
import subprocess
import sys
import tempfile

COMMANDS = ["generate", "validate", "snapshot", "split", "compute", "catalogue", "check-catalogue"]
HERE = os.path.dirname(os.path.abspath(__file__))
CATALOGUE = os.path.join(HERE, "..", "..", "src", "engine", "standard_catalogue.yaml")

failures = []


def run(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=600)


def check(condition, what, result=None):
    if condition:
        return
    detail = ""
    if result is not None:
        detail = f"\n    exit {result.returncode}\n    stdout: {result.stdout[:400]!r}\n    stderr: {result.stderr[:400]!r}"
    failures.append(what + detail)


def expect_usage_error(binary, command, args, message):
    r = run(binary, command, *args)
    check(r.returncode == 2, f"{command} {args}: exit 2", r)
    check(r.stdout == "", f"{command} {args}: nothing on stdout", r)
    check(r.stderr.startswith(f"safeguard {command}: {message}"),
          f"{command} {args}: stderr starts with 'safeguard {command}: {message}'", r)
    check(f"Run 'safeguard {command} --help' for usage." in r.stderr,
          f"{command} {args}: points to --help", r)


def main():
    binary = os.path.abspath(sys.argv[1])

    for command in COMMANDS:
        for flag in ("--help", "-h"):
            r = run(binary, command, flag)
            check(r.returncode == 0, f"{command} {flag}: exit 0", r)
            check(r.stdout.startswith(f"usage: safeguard {command}"), f"{command} {flag}: usage on stdout", r)
            check(r.stderr == "", f"{command} {flag}: nothing on stderr", r)
        expect_usage_error(binary, command, ["--no-such-option"], "unknown option '--no-such-option'")
        expect_usage_error(binary, command, ["--quiet=yes"], "--quiet takes no value")

    r = run(binary, "--help")
    check(r.returncode == 0 and all(c in r.stdout for c in COMMANDS), "safeguard --help lists every command", r)
    r = run(binary, "frobnicate")
    check(r.returncode == 2 and "unknown command 'frobnicate'" in r.stderr, "an unknown command: exit 2", r)

    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        # generate: both forms of a value give the same dataset, byte for byte.
        r = run(binary, "generate", data, "--children", "300", "--provinces", "2", "--seed", "5", "--quiet")
        check(r.returncode == 0 and r.stderr == "", "generate --quiet: exit 0, nothing on stderr", r)
        check("300 children" in r.stdout, "generate prints its summary on stdout", r)
        joined = os.path.join(tmp, "joined")
        r = run(binary, "generate", "--children=300", "--provinces=2", "--seed=5", "-q", joined)
        check(r.returncode == 0, "generate --name=VALUE: exit 0", r)
        for name in sorted(os.listdir(data)):
            with open(os.path.join(data, name), "rb") as a, open(os.path.join(joined, name), "rb") as b:
                check(a.read() == b.read(), f"generate: {name} the same with --name=VALUE")
        expect_usage_error(binary, "generate", [data, "--children", "many"],
                           "--children expects a non-negative integer, got 'many'")
        expect_usage_error(binary, "generate", [data, "--seed"], "--seed needs a value")
        expect_usage_error(binary, "generate", [data, "--provinces=0"], "--provinces must be 1 to")
        expect_usage_error(binary, "generate", [data, "other"], "unexpected argument 'other'")
        expect_usage_error(binary, "generate", [], "missing OUT_DIR")

        # validate
        r = run(binary, "validate", data, "--quiet", "--max-errors=5", "--as-of=2025-12-31")
        check(r.returncode == 0 and r.stderr == "" and "Findings" in r.stdout, "validate --quiet --name=VALUE", r)
        expect_usage_error(binary, "validate", [data, "--as-of", "31/12/2025"],
                           "--as-of expects a date YYYY-MM-DD, got '31/12/2025'")
        expect_usage_error(binary, "validate", [], "missing DATA")

        # snapshot
        snap = os.path.join(tmp, "data.sgsnap")
        r = run(binary, "snapshot", data, snap, "--quiet")
        check(r.returncode == 0 and r.stderr == "" and os.path.exists(snap), "snapshot --quiet", r)
        expect_usage_error(binary, "snapshot", [data], "missing OUT_FILE")
        expect_usage_error(binary, "snapshot", [data, snap, "third"], "unexpected argument 'third'")

        # compute: the same table whichever form the options take.
        spaced = run(binary, "compute", snap, "--period", "2024,2024Q3", "--level", "1,2", "--by", "sex",
                     "--threads", "1", "--quiet")
        joined = run(binary, "compute", "--period=2024,2024Q3", "--level=1,2", "--by=sex", "--threads=1",
                     "-q", snap)
        check(spaced.returncode == 0 and spaced.stderr == "", "compute --quiet: exit 0, nothing on stderr", spaced)
        check(spaced.stdout.startswith("indicator,period,org_unit,sex,numerator"), "compute writes the table", spaced)
        check(spaced.stdout == joined.stdout, "compute: --name=VALUE gives the same table", joined)
        out = os.path.join(tmp, "out.csv")
        r = run(binary, "compute", snap, "--period=2024", "--output=" + out, "--quiet")
        check(r.returncode == 0 and r.stdout == "" and r.stderr == "", "compute --output=FILE --quiet", r)
        written = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
        check(written.startswith("indicator,period,org_unit,numerator"), "compute --output wrote the table")
        expect_usage_error(binary, "compute", [snap], "--period is required")
        expect_usage_error(binary, "compute", ["--period", "2024"], "missing DATA")
        expect_usage_error(binary, "compute", [snap, "--period", "2024", "--threads", "all"],
                           "--threads expects a non-negative integer, got 'all'")
        expect_usage_error(binary, "compute", [snap, "--period", "2024", "--level", "0"], "bad level '0'")
        expect_usage_error(binary, "compute", [snap, "--period", "2024", "--format", "xml"],
                           "--format takes csv or json")
        expect_usage_error(binary, "compute", [snap, "--period", "2024X"], "bad period '2024X'; expected")

        # split: two provinces, two folders; --quiet leaves stderr empty.
        parts = os.path.join(tmp, "parts")
        r = run(binary, "split", snap, parts, "--quiet")
        check(r.returncode == 0 and r.stderr == "" and len(r.stdout.split()) == 2, "split --quiet", r)
        expect_usage_error(binary, "split", [snap], "missing OUT_DIR")

    # catalogue and check-catalogue
    r = run(binary, "catalogue", "--codes", "--lang=vi", "--quiet")
    check(r.returncode == 0 and r.stdout.split()[:2] == ["CHILD_POP", "CHILD_POP_0_17"], "catalogue --codes", r)
    expect_usage_error(binary, "catalogue", ["--lang", "fr"], "--lang takes vi or en")
    expect_usage_error(binary, "catalogue", ["--lang"], "--lang needs a value")
    r = run(binary, "check-catalogue", CATALOGUE, "--quiet")
    check(r.returncode == 0 and r.stdout == "" and r.stderr == "", "check-catalogue --quiet on a good file", r)
    r = run(binary, "check-catalogue", CATALOGUE)
    check(r.returncode == 0 and "no errors" in r.stdout, "check-catalogue on a good file", r)
    expect_usage_error(binary, "check-catalogue", [], "missing FILE")
    # An added catalogue may refer to standard indicators, as compute --add-catalogue reads it.
    with tempfile.TemporaryDirectory() as tmp:
        added = os.path.join(tmp, "added.yaml")
        with open(added, "w", encoding="utf-8") as f:
            f.write("indicators:\n  - code: MY_POP\n    name: {en: Mine}\n"
                    "    numerator: {indicator: CHILD_POP}\n")
        r = run(binary, "check-catalogue", added)
        check(r.returncode == 1 and "CHILD_POP" in r.stdout, "check-catalogue: a standard reference alone", r)
        r = run(binary, "check-catalogue", added, "--add")
        check(r.returncode == 0 and "no errors" in r.stdout, "check-catalogue --add", r)

    if failures:
        print(f"{len(failures)} failure(s):")
        for f in failures:
            print(" -", f)
        return 1
    print("cli_usage: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
