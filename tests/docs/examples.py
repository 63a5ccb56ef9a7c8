#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ctest docs_examples: run every `$ copydesk ...` example of README.md, docs/*.md and the man
pages (man/*.in, the .EX/.EE blocks) and compare its output (stdout and stderr together) with
the lines that follow it in the document, up to the next `$` line or the end of the block.

Rules (also in HACKING.md, "Examples in the documentation"):
- a block (fenced, or indented by 4 spaces or more) is an example when one of its `$` lines
  runs copydesk (`copydesk`, `build/copydesk`, `cd DIR && copydesk`, after a pipe, ...);
  its other `$` lines (printf > file, cat, echo $?) run too, in order, in one shell;
- a line `…` alone in the expected output stands for any number of lines; a duration
  "(0.00 s)" matches any other; a last line "[exit N]" is the command's exit status;
- `<!-- example: not run (why) -->` just before a block (man: `.\\" example: not run (why)`
  just before `.EX`) skips it; `<!-- example: setup COMMAND -->` (man: `.\\" example: setup
  COMMAND`) runs COMMAND, unseen, before the block;
- the blocks of one document run in order in one scratch directory holding copies of
  samples/, tests/fixtures/ and dicts/, with `copydesk` (on PATH) and `build/copydesk` the
  build's binary, COPYDESK_DATA a copy of the build's data, HOME and the XDG directories
  inside it. The man pages share one scratch directory (copydesk-check(1) uses the files
  of copydesk-align(1)'s example).

Environment: CD_SOURCE (the repository), COPYDESK_BIN (the program), COPYDESK_DATA (its data).
Usage: examples.py [-v] [--update] [FILE...]   (default: every document)
  --update  rewrite the expected output of failing markdown examples that have no `…`
            with the actual output (then review the diff: the output is the truth only
            when it is not a bug).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("CD_SOURCE") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BIN = os.environ.get("COPYDESK_BIN") or os.path.join(SRC, "build", "copydesk")
DATA = os.environ.get("COPYDESK_DATA") or os.path.join(SRC, "build", "data")
ELLIPSIS = "…"
EXIT = re.compile(r"^\[exit \d+\]$")
RUNS_COPYDESK = re.compile(r"(^|[\s|;&(])(build/)?copydesk(\s|$)")
TIMEOUT = 120


class Example:
    def __init__(self, doc, line, cmd, expected, first_out, indent):
        self.doc, self.line, self.cmd, self.expected = doc, line, cmd, expected
        self.first_out = first_out  # 0-based line index of the first expected line
        self.indent = indent


class Block:
    def __init__(self, doc, line, examples, setup, skip):
        self.doc, self.line, self.examples, self.setup, self.skip = doc, line, examples, setup, skip


def continued(cmd_line):
    s = cmd_line.rstrip()
    return s.endswith("\\") or s.endswith("|") or s.endswith("&&")


def split_examples(doc, lines, start, prefix_len, is_cmd_cont):
    """lines: the block's lines (with their prefix); start: index of lines[0] in the doc."""
    body = [l[prefix_len:] if len(l) >= prefix_len else l.strip() for l in lines]
    examples = []
    i = 0
    while i < len(body):
        if not body[i].startswith("$ "):
            i += 1
            continue
        cmd_line = start + i
        cmd = body[i][2:]
        i += 1
        while continued(cmd) and i < len(body):
            cmd += "\n" + body[i]
            i += 1
        first = i
        out = []
        while i < len(body) and not body[i].startswith("$ "):
            out.append(body[i])
            i += 1
        while out and not out[-1].strip():
            out.pop()
        examples.append(Example(doc, cmd_line + 1, cmd, out, start + first, prefix_len))
    return examples


MARK = re.compile(r"<!--\s*example:\s*(not run|setup)\s*(.*?)\s*-->")


def markers_before(lines, idx, pattern):
    """The marker comments on the lines just before lines[idx] (blank lines skipped)."""
    setup, skip = [], None
    j = idx - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    found = []
    while j >= 0:
        m = pattern.search(lines[j])
        if not m:
            break
        found.append(m)
        j -= 1
    for m in reversed(found):
        if m.group(1) == "not run":
            skip = m.group(2) or "not run"
        else:
            setup.append(m.group(2))
    return setup, skip


def markdown_blocks(doc, text):
    lines = text.split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        l = lines[i]
        if l.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            setup, skip = markers_before(lines, i, MARK)
            exs = split_examples(doc, lines[i + 1:j], i + 1, 0, continued)
            blocks.append(Block(doc, i + 1, exs, setup, skip))
            i = j + 1
            continue
        m = re.match(r"^( {4,})\$ ", l)
        if m and (i == 0 or not lines[i - 1].strip() or re.match(r"^ {4,}", lines[i - 1])):
            # an indented block: back up to its first line, then on while indented or blank
            k = len(m.group(1))
            s = i
            while s > 0 and lines[s - 1].startswith(" " * k) and lines[s - 1].strip():
                s -= 1
            j = i
            while j < len(lines) and (lines[j].startswith(" " * k) or not lines[j].strip()):
                if not lines[j].strip():
                    # a blank line ends the block unless the next line is still indented
                    n = j + 1
                    while n < len(lines) and not lines[n].strip():
                        n += 1
                    if n >= len(lines) or not lines[n].startswith(" " * k):
                        break
                j += 1
            setup, skip = markers_before(lines, s, MARK)
            exs = split_examples(doc, lines[i:j], i, k, continued)
            # blank lines inside an indented block are output lines; keep them
            blocks.append(Block(doc, s + 1, exs, setup, skip))
            i = j
            continue
        i += 1
    return blocks


ROFF = {"e": "\\", "-": "-", "&": "", "%": "", " ": " ", "(aq": "'", "(lq": "\u201c",
        "(rq": "\u201d", "(cq": "\u2019", "(oq": "\u2018", "(em": "\u2014", "(en": "\u2013",
        "(dq": '"', "(ga": "`", "(ti": "~", "(ha": "^", "(bu": "\u2022", "(co": "\u00a9",
        "(Fo": "\u00ab", "(Fc": "\u00bb", "(fo": "\u2039", "(fc": "\u203a", "(mu": "\u00d7",
        "(de": "\u00b0", "(->": "\u2192", "(<-": "\u2190", "(hy": "-", "(rs": "\\", "c": ""}


def unroff(s):
    s = re.sub(r"\\\[u([0-9A-Fa-f]{4,5})\]", lambda m: chr(int(m.group(1), 16)), s)
    return re.sub(r"\\(\(..|[e\-&% c])", lambda m: ROFF.get(m.group(1), m.group(0)), s)


ROFF_MARK = re.compile(r'^\.\\"\s*example:\s*(not run|setup)\s*(.*?)\s*$')


def man_blocks(doc, text):
    lines = text.split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == ".EX":
            j = i + 1
            while j < len(lines) and lines[j].strip() != ".EE":
                j += 1
            setup, skip = markers_before(lines, i, ROFF_MARK)
            setup = [unroff(c) for c in setup]
            body = [unroff(l) for l in lines[i + 1:j] if not l.startswith('.\\"')]
            exs = split_examples(doc, body, i + 1, 0, continued)
            for e in exs:
                e.first_out = None  # never rewritten (roff escapes)
            blocks.append(Block(doc, i + 1, exs, setup, skip))
            i = j + 1
            continue
        i += 1
    return blocks


def is_example_block(block):
    return any(RUNS_COPYDESK.search(e.cmd) for e in block.examples)


TIMING = re.compile(r"\(\d+\.\d\d s\)")


def match(expected, actual):
    # a duration in the form "(0.00 s)" matches any other: timings vary from run to run
    exp = [TIMING.sub("(N s)", l.rstrip()) for l in expected]
    act = [TIMING.sub("(N s)", l.rstrip()) for l in actual]
    memo = {}

    def m(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(exp):
            r = j == len(act)
        elif exp[i].strip() == ELLIPSIS:
            r = any(m(i + 1, k) for k in range(j, len(act) + 1))
        else:
            r = j < len(act) and exp[i] == act[j] and m(i + 1, j + 1)
        memo[(i, j)] = r
        return r

    return m(0, 0)


def make_workspace(root):
    ws = tempfile.mkdtemp(prefix="docs-", dir=root)
    for d in ("samples", "tests/fixtures", "dicts"):
        shutil.copytree(os.path.join(SRC, d), os.path.join(ws, d), symlinks=True)
    os.makedirs(os.path.join(ws, "build"))
    os.symlink(BIN, os.path.join(ws, "build", "copydesk"))
    data = os.path.join(ws, ".data")
    shutil.copytree(DATA, data, symlinks=True)
    home = os.path.join(ws, ".home")
    for d in (".config", ".local/share", ".cache", ".local/state"):
        os.makedirs(os.path.join(home, d))
    bindir = os.path.join(ws, ".bin")
    os.makedirs(bindir)
    os.symlink(BIN, os.path.join(bindir, "copydesk"))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("COPYDESK_") and not k.startswith("XDG_") and k != "CD_SOURCE"}
    env.update({
        "PATH": bindir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
        "XDG_DATA_HOME": os.path.join(home, ".local/share"),
        "XDG_CACHE_HOME": os.path.join(home, ".cache"),
        "XDG_STATE_HOME": os.path.join(home, ".local/state"),
        "COPYDESK_DATA": data, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "TZ": "UTC",
    })
    return ws, env


def run_block(block, ws, env):
    script = ["cd \"$1\" || exit 99", "exec 2>&1"]
    for c in block.setup:
        script.append("{ %s\n} >/dev/null 2>&1" % c)
    script.append("__s=0")
    for n, e in enumerate(block.examples):
        script.append("__s=$?; printf '\\036%d\\036%%s\\036\\n' $__s; (exit $__s)" % n)
        script.append(e.cmd)
    script.append("__s=$?; printf '\\036end\\036%s\\036\\n' $__s")
    try:
        # stdout line-buffered, as on a terminal, so that it interleaves with stderr as the
        # documents show it
        stdbuf = ["stdbuf", "-oL"] if shutil.which("stdbuf") else []
        p = subprocess.run(stdbuf + ["bash", "-c", "\n".join(script), "docs-example", ws], env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, timeout=TIMEOUT)
        out = p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as t:
        out = (t.stdout or b"").decode("utf-8", "replace") + "\n(timed out)\n"
    # each marker carries the exit status of the command before it
    parts = re.split(r"\x1e(\d+|end)\x1e(\d+)\x1e\n", out)
    results, status, names = {}, {}, []
    for k in range(1, len(parts) - 2, 3):
        names.append(parts[k])
        if len(names) > 1 and names[-2] != "end":
            status[int(names[-2])] = int(parts[k + 1])
        if parts[k] != "end":
            text = parts[k + 2]
            results[int(parts[k])] = text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")
    for n, e in enumerate(block.examples):
        res = results.get(n, ["(not reached)"])
        while res and not res[-1].strip():
            res.pop()
        # "[exit N]" as the last expected line: the command's exit status, when not 0
        if e.expected and EXIT.match(e.expected[-1].strip()) and status.get(n, 0) != 0:
            res.append("[exit %d]" % status[n])
        results[n] = res
    return results


def documents(args):
    if args:
        return args
    docs = [os.path.join(SRC, "README.md")]
    d = os.path.join(SRC, "docs")
    docs += sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".md"))
    m = os.path.join(SRC, "man")
    docs += sorted(os.path.join(m, f) for f in os.listdir(m) if f.endswith(".in"))
    return docs


def main():
    argv = sys.argv[1:]
    verbose = "-v" in argv
    update = "--update" in argv
    files = [a for a in argv if not a.startswith("-")]
    if not os.access(BIN, os.X_OK):
        print("docs_examples: no program at %s (set COPYDESK_BIN)" % BIN, file=sys.stderr)
        return 2
    root = tempfile.mkdtemp(prefix="cd-docs-examples-")
    ran = skipped = failed = 0
    skipped_why = []
    man_ws = None
    try:
        for path in documents(files):
            rel = os.path.relpath(path, SRC)
            text = open(path, encoding="utf-8").read()
            is_man = path.endswith(".in")
            blocks = man_blocks(rel, text) if is_man else markdown_blocks(rel, text)
            blocks = [b for b in blocks if is_example_block(b)]
            if not blocks:
                continue
            if is_man:
                if man_ws is None:
                    man_ws = make_workspace(root)
                ws, env = man_ws
            else:
                ws, env = make_workspace(root)
            rewrites = []
            for b in blocks:
                if b.skip:
                    skipped += len(b.examples)
                    skipped_why.append("%s:%d: %s" % (rel, b.line, b.skip))
                    continue
                results = run_block(b, ws, env)
                for n, e in enumerate(b.examples):
                    ran += 1
                    actual = results[n]
                    if match(e.expected, actual):
                        if verbose:
                            print("ok   %s:%d: $ %s" % (rel, e.line, e.cmd.split("\n")[0]))
                        continue
                    failed += 1
                    print("FAIL %s:%d: $ %s" % (rel, e.line, e.cmd))
                    print("  expected:")
                    for l in e.expected:
                        print("    | " + l)
                    print("  actual:")
                    for l in actual:
                        print("    | " + l)
                    if update and e.first_out is not None and ELLIPSIS not in \
                            [l.strip() for l in e.expected]:
                        rewrites.append((e, actual))
            if rewrites:
                lines = text.split("\n")
                for e, actual in sorted(rewrites, key=lambda r: -r[0].first_out):
                    pre = " " * e.indent
                    lines[e.first_out:e.first_out + len(e.expected)] = \
                        [(pre + l) if l else "" for l in actual]
                open(path, "w", encoding="utf-8").write("\n".join(lines))
                print("docs_examples: %s: %d examples rewritten" % (rel, len(rewrites)))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for w in skipped_why:
        if verbose:
            print("not run: " + w)
    print("docs_examples: %d examples run, %d failed, %d not run (marked)" % (ran, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
