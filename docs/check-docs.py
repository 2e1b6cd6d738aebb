#!/usr/bin/env python3
"""Checks what a reader of README.md and the documents under docs/ is told to run or look at, beyond the links
(DocLinksTests checks those): every `docs/refresh.sh` block named in the text ("block `NAME`") has its marker; every
repository path written in backticks exists; every `--option` written there is one that `consolidator --help`, a
command's `--help` or docs/refresh.sh knows (or another program's, listed below); every `consolidator COMMAND` is a
command; and no README table cell runs past MAX_CELL characters (a long cell belongs in a document under docs/).

Usage: python3 docs/check-docs.py [FILE.md ...]     (default: README.md and docs/*.md)
Needs the CLI built in Release (dotnet build src/Consolidator.Cli -c Release), or CONSOLIDATOR_DLL naming its dll. Prints one line per finding,
file:line: what; exit 1 if there is one.
"""
import glob
import os
import re
import subprocess
import sys

MAX_CELL = 330
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DLL = os.environ.get("CONSOLIDATOR_DLL") or os.path.join(ROOT, "src/Consolidator.Cli/bin/Release/net10.0/Consolidator.Cli.dll")
# Options of other programs that the documents quote (dotnet, strip, virsh, openstack, qemu-img, the shell's tools).
OTHER_OPTIONS = {
    "--project", "--global", "--tool-path", "--add-source", "--strip-unneeded", "--filter", "--no-build",
    "--live", "--persistent", "--undefinesource", "--postcopy", "--postcopy-after-precopy", "--timeout-suspend",
    "--downtime", "--current", "--set", "--os-compute-api-version", "--live-migration", "--host", "--limit",
    "--all-projects", "--copy-storage-all", "--copy-storage-synchronous-writes", "--vm", "--bytes", "--rr",
}
# The repository's own scripts (docs/, lab/, .ci/) take options of their own: an option one of them spells is known.
SCRIPT_GLOBS = ("docs/*.sh", "docs/*.py", "lab/**/*.py", "lab/**/*.sh", ".ci/*")
PATH_PREFIXES = ("docs/", "src/", "tests/", "datasets/", "lab/", ".ci/", "notebooks/")


def cli_help(*args):
    out = subprocess.run(["dotnet", DLL, *args, "--help"], capture_output=True, text=True, cwd=ROOT)
    return out.stdout + out.stderr


def known_commands_and_options():
    top = cli_help()
    commands = re.findall(r"^  ([a-z][a-z-]*)\b", top.split("Commands:", 1)[1], re.M)
    texts = [top]
    for c in commands:
        h = cli_help(c)
        texts.append(h)
        if "Commands:" in h:  # a command with subcommands (images scan)
            for sub in re.findall(r"^  ([a-z][a-z-]*)\b", h.split("Commands:", 1)[1], re.M):
                texts.append(cli_help(c, sub))
    refresh = subprocess.run(["bash", "docs/refresh.sh", "--help"], capture_output=True, text=True, cwd=ROOT).stdout
    texts.append(refresh)
    for pattern in SCRIPT_GLOBS:
        for script in glob.glob(os.path.join(ROOT, pattern), recursive=True):
            if os.path.isfile(script) and os.path.abspath(script) != os.path.abspath(__file__):
                with open(script, encoding="utf-8", errors="replace") as f:
                    texts.append(f.read())
    options = set(re.findall(r"--[a-z][a-z0-9-]*", "\n".join(texts)))
    return set(commands), options


def text_lines(path):
    """Lines outside fenced code blocks, with their numbers (markers and their blocks are checked by refresh.sh)."""
    fence = False
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("```"):
                fence = not fence
                continue
            if not fence:
                yield n, line.rstrip("\n")


def main(argv):
    files = argv or ["README.md"] + sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs/*.md")))
    if not os.path.exists(DLL):
        print(f"check-docs: {DLL} not built (dotnet build src/Consolidator.Cli -c Release)", file=sys.stderr)
        return 2
    commands, options = known_commands_and_options()
    markers = set()
    for p in ["README.md"] + glob.glob(os.path.join(ROOT, "docs/*.md")):
        with open(os.path.join(ROOT, p), encoding="utf-8") as f:
            markers |= set(re.findall(r"^<!-- refresh ([A-Za-z0-9_.-]+)(?: slow)?: ", f.read(), re.M))
    findings = []
    for doc in files:
        for n, line in text_lines(os.path.join(ROOT, doc)):
            where = f"{doc}:{n}"
            no_links = re.sub(r"\]\([^)]*\)", "]", line)  # anchors such as #consolidator-import---format-prometheus
            for group in re.findall(r"\bblocks? ((?:`[A-Za-z0-9_.-]+`(?:,? (?:and )?)?)+)", no_links):
                for name in re.findall(r"`([A-Za-z0-9_.-]+)`", group):
                    if name not in markers and name != "NAME":
                        findings.append(f"{where}: block `{name}`: no such refresh marker")
            for code in re.findall(r"`([^`]+)`", no_links):
                first = code.split()[0] if code.split() else ""
                if first.startswith(PATH_PREFIXES) and not re.search(r"[<>*{}]|NAME|\bN\b|PID", first):
                    path = first.rstrip(".,;:)").split(":")[0]
                    if not os.path.exists(os.path.join(ROOT, path)):
                        findings.append(f"{where}: `{first}`: no such file in the repository")
            for m in re.finditer(r"(?<![\w-])--[a-z][a-z0-9-]*", no_links):
                if m.group(0) not in options and m.group(0) not in OTHER_OPTIONS:
                    findings.append(f"{where}: {m.group(0)}: no command's --help names it")
            for m in re.finditer(r"`consolidator ([a-z][a-z-]*)", no_links):
                if m.group(1) not in commands:
                    findings.append(f"{where}: consolidator {m.group(1)}: no such command")
            if doc == "README.md" and line.startswith("|"):
                for cell in line.strip().strip("|").split(" | "):
                    if len(cell.strip()) > MAX_CELL:
                        findings.append(f"{where}: a table cell of {len(cell.strip())} characters (at most {MAX_CELL}): "
                                        f"{cell.strip()[:50]}...")
    for f in findings:
        print(f)
    print(f"check-docs: {len(findings)} finding(s) in {len(files)} file(s)", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
