#!/usr/bin/env python3
"""Smart-context quality evaluation: MU (`mu context --json`) against a BM25-over-files baseline.

Run, from the repository root (python3 stdlib only; node + npm for the TypeScript corpus and the
tokenizer):

    python3 bench/context_eval/run_eval.py --mu build-release/app/mu/mu

One run prepares both corpora in a cache directory (default /tmp/mu-context-eval; never inside the
repository), indexes them with `mu index` when they have no index yet, checks every question's
answer ids against the index (unknown ids fail the run, exit 2), tunes the baseline on the "tune"
split, answers every question with MU and with the baseline within the same token budget (4000),
and prints a markdown table per split, then MU's misses. Exit 0 when the evaluation ran, whatever
the scores; 2 for bad questions or a corpus that cannot be prepared.

Corpora (pinned):
  python  a copy of /usr/lib/python3.11 (Debian's libpython3.11-stdlib, + libpython3.11-testsuite when
          installed), __pycache__ left out;
  rxjs    src/ of the npm tarball rxjs@7.8.1, fetched with `npm pack` and checked against its
          sha512 integrity before unpacking.

Metrics, per question, then averaged:
  recall     answer nodes shown / answer nodes. MU: an answer counts when its id is among the node
             ids of the JSON answer (the nodes packed into mu_text). Baseline: when the node's line
             range lies inside the text shown of its file ("strict"); "lenient" counts a node whose
             first line is shown, which is what MU's outline shows of a node (its signature line).
             Overloads and redefinitions (`id~2`, `id~3`) count as the node they overload.
  file MRR   1 / rank of the first shown file that holds an answer node (0 if none is shown). MU's
             files are ranked by their first node in the answer (best first); the baseline's by BM25.
  files      distinct files shown.
  tokens     tokens of the text shown (MU: token_count, re-counted here; baseline: its packed text),
             counted with js-tiktoken cl100k_base from third_party/tiktoken (the rank tables MU
             loads); without node or js-tiktoken, a documented approximation (see TokenCounter).
"""

from __future__ import annotations

import argparse
import base64
import bisect
import collections
import hashlib
import json
import math
import os
import pickle
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BUDGET = 4000
MAX_FILES = 15

PYTHON_SOURCE = Path("/usr/lib/python3.11")
RXJS_SPEC = "rxjs@7.8.1"
RXJS_TARBALL = "rxjs-7.8.1.tgz"
RXJS_INTEGRITY = "sha512-AA3TVj+0A2iuIoQkWEK/tqFjBq2j+6PO6Y0zJcvzLAFhEFIO3HL0vls9hWLncZbAAbK0mar7oZ4V079I/qPMxg=="

OVERLOAD = re.compile(r"~\d+$")


def base_id(node_id: str) -> str:
    return OVERLOAD.sub("", node_id)


def fail(message: str) -> None:
    print(f"run_eval: {message}", file=sys.stderr)
    sys.exit(2)


# ---------------------------------------------------------------------------------------------
# Corpora


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=False, capture_output=True, text=True, **kwargs)


def prepare_python(cache: Path) -> tuple[Path, str]:
    dest = cache / "python3.11"
    version = run(["dpkg-query", "-W", "-f=${Version}", "libpython3.11-stdlib"]).stdout.strip() or "unknown"
    tests = run(["dpkg-query", "-W", "-f=${Version}", "libpython3.11-testsuite"]).stdout.strip()
    label = f"CPython stdlib /usr/lib/python3.11 (libpython3.11-stdlib {version}"
    label += f", libpython3.11-testsuite {tests})" if tests else ")"
    if not dest.is_dir():
        if not PYTHON_SOURCE.is_dir():
            fail(f"{PYTHON_SOURCE} not found (apt-get install libpython3.11-stdlib)")
        print(f"copying {PYTHON_SOURCE} -> {dest}", file=sys.stderr)
        shutil.copytree(PYTHON_SOURCE, dest, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    return dest, label


def prepare_rxjs(cache: Path) -> tuple[Path, str]:
    dest = cache / "rxjs-7.8.1"
    label = f"{RXJS_SPEC} src/ (npm, {RXJS_INTEGRITY[:23]}...)"
    if (dest / "src").is_dir():
        return dest, label
    npm_dir = cache / "npm"
    npm_dir.mkdir(parents=True, exist_ok=True)
    tarball = npm_dir / RXJS_TARBALL
    if not tarball.is_file():
        print(f"npm pack {RXJS_SPEC}", file=sys.stderr)
        packed = run(["npm", "pack", RXJS_SPEC, "--json"], cwd=npm_dir)
        if packed.returncode != 0 or not tarball.is_file():
            fail(f"npm pack {RXJS_SPEC} failed: {packed.stderr.strip()[-500:]}")
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != RXJS_INTEGRITY:
        tarball.unlink()
        fail(f"{tarball.name}: integrity {digest} is not the pinned {RXJS_INTEGRITY}")
    staging = cache / "rxjs-7.8.1.partial"
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            name = member.name
            if not name.startswith("package/src/") or not member.isfile():
                continue
            relative = Path(name[len("package/"):])
            if relative.is_absolute() or ".." in relative.parts:
                fail(f"{tarball.name}: unsafe member {name}")
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            assert source is not None
            target.write_bytes(source.read())
    shutil.rmtree(dest, ignore_errors=True)
    staging.rename(dest)
    return dest, label


def ensure_index(mu: str, root: Path, reindex: bool) -> None:
    if (root / ".mu" / "mubase").is_file() and not reindex:
        return
    print(f"mu index {root}", file=sys.stderr)
    started = time.monotonic()
    done = run([mu, "index", str(root)])
    if done.returncode != 0:
        fail(f"mu index {root} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    print(f"  {done.stdout.strip().splitlines()[0] if done.stdout.strip() else ''} "
          f"({time.monotonic() - started:.1f} s)", file=sys.stderr)


class NodeTable:
    """Nodes and files of one index, read straight from its SQLite file (read-only)."""

    def __init__(self, root: Path):
        self.root = root
        uri = f"file:{root / '.mu' / 'mubase'}?mode=ro"
        with sqlite3.connect(uri, uri=True) as db:
            rows = db.execute("SELECT id, type, name, file_path, line_start, line_end FROM nodes").fetchall()
            self.files = [r[0] for r in db.execute("SELECT path FROM files ORDER BY path")]
        self.nodes = {r[0]: {"type": r[1], "name": r[2], "file": r[3], "start": r[4], "end": r[5]} for r in rows}
        self.variants: dict[str, list[str]] = collections.defaultdict(list)
        for node_id in self.nodes:
            self.variants[base_id(node_id)].append(node_id)
        self.module_names = {n["file"]: n["name"] for n in self.nodes.values() if n["type"] == "module"}
        self.names = {n["name"] for n in self.nodes.values() if n["type"] in ("function", "class")}

    def file_of(self, node_id: str) -> str | None:
        node = self.nodes.get(node_id)
        if node:
            return node["file"]
        # Ids are "<kind>:<path>[:<qualified name>]"; an id missing from the table still names its file.
        parts = node_id.split(":")
        return parts[1] if len(parts) >= 2 else None


# ---------------------------------------------------------------------------------------------
# Questions


IDENT_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CODE_LOOKING = re.compile(r"_|[a-z][A-Z]|\.")


def identifiers_of_answer(table: NodeTable, node_id: str) -> set[str]:
    node = table.nodes[node_id]
    names = {node["name"]}
    qualified = node_id.split(":", 2)[2] if node_id.count(":") >= 2 else ""
    names.update(part for part in base_id(qualified).split(".") if part)
    module = table.module_names.get(node["file"])
    if module:
        names.add(module)
    return names


def auto_names_identifier(table: NodeTable, question: dict) -> bool:
    """A question names an identifier verbatim when a word of it (case-sensitive) is the name of an
    answer node, of its enclosing class or of its module; or when a code-looking word (snake_case,
    camelCase, dotted) is the name of any function or class of the corpus."""
    words = set(IDENT_TOKEN.findall(question["question"]))
    answer_names: set[str] = set()
    for node_id in question["answers"]:
        answer_names |= identifiers_of_answer(table, node_id)
    if words & answer_names:
        return True
    for raw in re.findall(r"[A-Za-z_][A-Za-z0-9_.]*[A-Za-z0-9_]", question["question"]):
        if CODE_LOOKING.search(raw) and any(part in table.names for part in raw.split(".")):
            return True
    return False


def load_questions(path: Path, table: NodeTable) -> list[dict]:
    questions = json.loads(path.read_text())
    errors = []
    seen = set()
    for q in questions:
        before = len(errors)
        for key in ("id", "question", "answers", "split"):
            if key not in q:
                errors.append(f"{q.get('id', '?')}: missing '{key}'")
        if q.get("id") in seen:
            errors.append(f"{q['id']}: duplicate id")
        seen.add(q.get("id"))
        if q.get("split") not in ("tune", "report"):
            errors.append(f"{q.get('id')}: split must be tune or report")
        if not q.get("answers"):
            errors.append(f"{q.get('id')}: no answers")
        for node_id in q.get("answers", []):
            if node_id not in table.nodes:
                errors.append(f"{q.get('id')}: unknown node id {node_id}")
        if len(errors) > before:
            continue
        auto = auto_names_identifier(table, q)
        declared = bool(q.get("names_identifier", False))
        if auto and not declared:
            errors.append(f"{q['id']}: names an identifier verbatim but is not marked names_identifier")
        q["names_identifier"] = declared or auto
    if errors:
        fail(f"{path.name}:\n  " + "\n  ".join(errors))
    return questions


# ---------------------------------------------------------------------------------------------
# Tokens


class TokenCounter:
    """Exact cl100k_base counts through js-tiktoken (one long-lived node process). Without node or
    js-tiktoken, an approximation: one token per word piece (letters or digits, split at case and
    underscore changes) and per punctuation character, which tracks cl100k on code within ~15%."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        self.cache: dict[str, int] = {}
        self.process = None
        module = REPO / "third_party" / "tiktoken" / "node_modules" / "js-tiktoken"
        node = shutil.which("node")
        if node and module.is_dir():
            self.process = subprocess.Popen(
                [node, str(HERE / "count_tokens.js"), str(module), encoding],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
            self.method = f"js-tiktoken {encoding} (exact)"
        else:
            self.method = "approximation (no node/js-tiktoken): word pieces + punctuation"

    def count(self, text: str) -> int:
        cached = self.cache.get(text)
        if cached is not None:
            return cached
        if self.process:
            assert self.process.stdin and self.process.stdout
            self.process.stdin.write(json.dumps(text) + "\n")
            self.process.stdin.flush()
            value = int(self.process.stdout.readline())
        else:
            value = len(re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+|[^\sA-Za-z0-9]", text))
        self.cache[text] = value
        return value

    def close(self) -> None:
        if self.process:
            assert self.process.stdin
            self.process.stdin.close()
            self.process.wait(timeout=30)


# ---------------------------------------------------------------------------------------------
# BM25-over-files baseline


STOP_WORDS = set("""
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers how i if in into is it its itself just me more most my no nor not now of off
on once only or other our out over own same she should so some such than that the their them then
there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours
""".split())

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PIECE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def stem(term: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if term.endswith(suffix) and len(term) - len(suffix) >= 3:
            return term[: -len(suffix)]
    return term


def analyze(text: str) -> list[str]:
    """Identifiers split on case and underscore changes, lower-cased and lightly stemmed; compound
    identifiers also count as a whole ("read_status" gives read, status, readstatus)."""
    terms = []
    for match in WORD.finditer(text):
        pieces = [p.lower() for p in PIECE.findall(match.group())]
        terms.extend(stem(p) for p in pieces if len(p) > 1)
        if len(pieces) > 1:
            terms.append("".join(pieces))
    return terms


def query_terms(question: str) -> list[str]:
    words = [w for w in WORD.findall(question) if w.lower() not in STOP_WORDS]
    return list(dict.fromkeys(analyze(" ".join(words))))


class Bm25Files:
    def __init__(self, table: NodeTable, cache: Path, k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.root = table.root
        self.lines: dict[str, list[str]] = {}
        self.postings: dict[str, dict[str, list[int]]] = {}
        self.ranked: dict[tuple[str, ...], list[tuple[str, float]]] = {}
        # Term counts of a 30 MB corpus take a while: keep them next to the corpus, keyed by the
        # files' sizes and mtimes, so a re-run starts at once.
        stamp = hashlib.sha256()
        paths = []
        for path in table.files:
            try:
                info = (table.root / path).stat()
            except OSError:
                continue
            paths.append(path)
            stamp.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
        store = cache / f"{table.root.name}.bm25.pickle"
        loaded = None
        if store.is_file():
            with open(store, "rb") as handle:
                loaded = pickle.load(handle)
            if loaded.get("stamp") != stamp.hexdigest():
                loaded = None
        if loaded is None:
            tf = {}
            for path in paths:
                tf[path] = collections.Counter(analyze(self.read(path)))
            loaded = {"stamp": stamp.hexdigest(), "tf": tf}
            with open(store, "wb") as handle:
                pickle.dump(loaded, handle)
        self.tf: dict[str, collections.Counter] = loaded["tf"]
        self.length = {path: sum(counts.values()) for path, counts in self.tf.items()}
        df: collections.Counter = collections.Counter()
        for counts in self.tf.values():
            df.update(counts.keys())
        self.n = len(self.tf)
        self.avgdl = sum(self.length.values()) / max(self.n, 1)
        self.idf = {t: math.log(1 + (self.n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def read(self, path: str) -> str:
        return (self.root / path).read_text(encoding="utf-8", errors="replace")

    def file_lines(self, path: str) -> list[str]:
        if path not in self.lines:
            self.lines[path] = self.read(path).splitlines()
        return self.lines[path]

    def rank(self, terms: list[str]) -> list[tuple[str, float]]:
        key = tuple(terms)
        if key in self.ranked:
            return self.ranked[key]
        scores = []
        for path, counts in self.tf.items():
            norm = self.k1 * (1 - self.b + self.b * self.length[path] / self.avgdl)
            score = 0.0
            for term in terms:
                f = counts.get(term)
                if f:
                    score += self.idf[term] * f * (self.k1 + 1) / (f + norm)
            if score > 0:
                scores.append((path, score))
        scores.sort(key=lambda item: (-item[1], item[0]))
        self.ranked[key] = scores
        return scores

    def file_postings(self, path: str) -> dict[str, list[int]]:
        """Per term, the (0-based) line of each of its occurrences, ascending."""
        if path not in self.postings:
            postings: dict[str, list[int]] = collections.defaultdict(list)
            for number, line in enumerate(self.file_lines(path)):
                for term in analyze(line):
                    postings[term].append(number)
            self.postings[path] = postings
        return self.postings[path]

    def chunk_score(self, path: str, start: int, size: int, terms: list[str]) -> float:
        postings = self.file_postings(path)
        score = 0.0
        for term in terms:
            lines = postings.get(term)
            if lines:
                f = bisect.bisect_left(lines, start + size) - bisect.bisect_left(lines, start)
                if f:
                    score += self.idf.get(term, 0) * f * (self.k1 + 1) / (f + self.k1)
        return score

    def pack(self, question: str, tokens: TokenCounter, chunk_lines: int, chunks_per_file: int,
             budget: int = BUDGET, max_files: int = MAX_FILES) -> dict:
        """Best files first: a whole file when it fits the budget left, else its best-scoring
        chunks of `chunk_lines` lines (at most `chunks_per_file`), until the budget or the file cap
        is reached. Returns the shown ranges per file, in rank order, and the exact token count."""
        terms = query_terms(question)
        parts: list[str] = []
        shown: dict[str, list[tuple[int, int]]] = {}
        used = 0
        for path, _ in self.rank(terms):
            if len(shown) >= max_files or budget - used < 40:
                break
            lines = self.file_lines(path)
            whole = f"### {path}\n" + "\n".join(lines) + "\n"
            # No code averages 16 characters a token: a longer file cannot fit, spare counting it.
            cost = tokens.count(whole) if len(whole) <= 16 * (budget - used) else budget + 1
            if used + cost <= budget:
                parts.append(whole)
                used += cost
                shown[path] = [(1, len(lines))]
                continue
            chunks = []  # windows overlap by half, so a definition is rarely cut by every window
            for start in range(0, max(len(lines) - chunk_lines // 2, 1), chunk_lines // 2):
                score = self.chunk_score(path, start, chunk_lines, terms)
                if score > 0:
                    chunks.append((score, start + 1, min(start + chunk_lines, len(lines))))
            chunks.sort(key=lambda c: (-c[0], c[1]))
            taken = 0
            for _, first, last in chunks:
                if taken >= chunks_per_file:
                    break
                if any(first <= b and a <= last for a, b in shown.get(path, [])):
                    continue
                text = f"### {path}:{first}-{last}\n" + "\n".join(lines[first - 1:last]) + "\n"
                cost = tokens.count(text)
                if used + cost > budget:
                    continue
                parts.append(text)
                used += cost
                shown.setdefault(path, []).append((first, last))
                taken += 1
        text = "".join(parts)
        total = tokens.count(text)
        while total > budget and parts:  # joins can merge tokens across parts; stay under the budget
            parts.pop()
            text = "".join(parts)
            total = tokens.count(text)
            shown = {p: r for p, r in shown.items()
                     if any(x.startswith((f"### {p}\n", f"### {p}:")) for x in parts)}
        return {"files": list(shown), "ranges": shown, "tokens": total}


# ---------------------------------------------------------------------------------------------
# Scoring


def answer_files(table: NodeTable, question: dict) -> set[str]:
    return {table.nodes[a]["file"] for a in question["answers"]}


def reciprocal_rank(files: list[str], wanted: set[str]) -> float:
    for rank, path in enumerate(files, 1):
        if path in wanted:
            return 1.0 / rank
    return 0.0


def score_mu(table: NodeTable, question: dict, answer: dict, tokens: TokenCounter) -> dict:
    ids = [n["id"] for n in answer.get("nodes", [])]
    returned = {base_id(i) for i in ids}
    found = [a for a in question["answers"] if base_id(a) in returned]
    files: list[str] = []
    for node_id in ids:
        path = table.file_of(node_id)
        if path and path not in files:
            files.append(path)
    text = answer.get("mu_text", "")
    recount = tokens.count(text) if text else 0
    return {
        "recall": len(found) / len(question["answers"]),
        "missed": [a for a in question["answers"] if a not in found],
        "mrr": reciprocal_rank(files, answer_files(table, question)),
        "files": len(files),
        "module_lines": sum(1 for line in text.splitlines() if line.startswith("!module")),
        "tokens": answer.get("token_count", 0),
        "tokens_recounted": recount,
        "nodes": len(ids),
        "entities": answer.get("entities", []),
        "top_nodes": ids[:8],
    }


def node_shown(ranges: dict[str, list[tuple[int, int]]], node: dict, lenient: bool) -> bool:
    for first, last in ranges.get(node["file"], []):
        if lenient and first <= node["start"] <= last:
            return True
        if not lenient and first <= node["start"] and node["end"] <= last:
            return True
    return False


def answer_shown(table: NodeTable, ranges: dict, answer: str, lenient: bool) -> bool:
    return any(node_shown(ranges, table.nodes[v], lenient) for v in table.variants[base_id(answer)])


def score_baseline(table: NodeTable, question: dict, packed: dict) -> dict:
    answers = question["answers"]
    strict = [a for a in answers if answer_shown(table, packed["ranges"], a, False)]
    lenient = [a for a in answers if answer_shown(table, packed["ranges"], a, True)]
    return {
        "recall": len(strict) / len(answers),
        "recall_lenient": len(lenient) / len(answers),
        "missed": [a for a in answers if a not in strict],
        "mrr": reciprocal_rank(packed["files"], answer_files(table, question)),
        "files": len(packed["files"]),
        "tokens": packed["tokens"],
    }


def run_mu(mu: str, root: Path, question: str, encoding: str) -> tuple[dict | None, str, float]:
    started = time.monotonic()
    try:
        done = run([mu, "context", question, "-t", str(BUDGET), "--encoding", encoding, "--json", "-C", str(root)],
                   timeout=300)
    except subprocess.TimeoutExpired:
        return None, "timed out after 300 s", 300.0
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        return None, f"exit {done.returncode}: {done.stderr.strip()[-300:]}", elapsed
    try:
        return json.loads(done.stdout), "", elapsed
    except json.JSONDecodeError as error:
        return None, f"bad JSON: {error}", elapsed


# ---------------------------------------------------------------------------------------------
# Report


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0


def summary_rows(results: list[dict], split: str) -> list[str]:
    rows = []
    corpora = sorted({r["corpus"] for r in results})
    for corpus in corpora + ["all"]:
        subset = [r for r in results if r["split"] == split and (corpus == "all" or r["corpus"] == corpus)]
        if not subset:
            continue
        for system in ("mu", "bm25"):
            s = [r[system] for r in subset]
            lenient = f" ({mean([x['recall_lenient'] for x in s]):.2f})" if system == "bm25" else ""
            rows.append(
                f"| {split} | {corpus} | {'MU' if system == 'mu' else 'BM25 files'} | {len(subset)} | "
                f"{mean([x['recall'] for x in s]):.2f}{lenient} | {mean([x['mrr'] for x in s]):.2f} | "
                f"{mean([x['files'] for x in s]):.1f} / {max(x['files'] for x in s)} | "
                f"{mean([x['tokens'] for x in s]):.0f} / {max(x['tokens'] for x in s)} |")
    return rows


def print_report(results: list[dict], meta: dict) -> None:
    print(f"# Smart context evaluation (budget {BUDGET} tokens, {meta['tokenizer']})\n")
    for corpus, label in meta["corpora"].items():
        print(f"- {corpus}: {label}")
    print(f"- mu: {meta['mu']}")
    print(f"- baseline tuned on the tune split: chunk {meta['baseline']['chunk_lines']} lines, "
          f"{meta['baseline']['chunks_per_file']} chunk(s) per file, BM25 k1=1.2 b=0.75, at most {MAX_FILES} files")
    named = sum(1 for r in results if r["names_identifier"])
    print(f"- questions: {len(results)} ({named} name an identifier verbatim)")
    if meta["mu_failures"]:
        print(f"- MU failed on {meta['mu_failures']} question(s) (counted as empty answers)")
    if meta["token_mismatches"]:
        print(f"- MU token_count differs from js-tiktoken's count of mu_text on {meta['token_mismatches']} question(s)")
    print()
    header = ("| split | corpus | system | questions | answer recall | file MRR | files shown (mean / max) "
              "| tokens (mean / max) |\n|---|---|---|---|---|---|---|---|")
    for split in ("report", "tune"):
        print(header)
        print("\n".join(summary_rows(results, split)))
        print()
    print("Baseline recall in parentheses: lenient (the node's first line shown).\n")
    report = [r for r in results if r["split"] == "report"]
    mu_recall = mean([r["mu"]["recall"] for r in report])
    bm_recall = mean([r["bm25"]["recall"] for r in report])
    max_files = max((r["mu"]["files"] for r in report), default=0)
    print(f"Target on the report split: recall >= 0.8: {'met' if mu_recall >= 0.8 else 'NOT met'} ({mu_recall:.2f}); "
          f"above the baseline: {'yes' if mu_recall > bm_recall else 'no'} ({mu_recall:.2f} vs {bm_recall:.2f}); "
          f"<= {MAX_FILES} files: {'yes' if max_files <= MAX_FILES else 'no'} (max {max_files}).\n")
    print("## MU misses\n")
    print("| split | question | recall | missed answer nodes | MU's top nodes |\n|---|---|---|---|---|")
    for r in sorted(results, key=lambda x: (x["split"] != "report", x["id"])):
        if r["mu"]["recall"] < 1:
            top = ", ".join(f"`{i}`" for i in r["mu"]["top_nodes"][:4]) or (r["mu_error"] or "none")
            missed = ", ".join(f"`{m}`" for m in r["mu"]["missed"])
            print(f"| {r['split']} | {r['id']}: {r['question']} | {r['mu']['recall']:.2f} | {missed} | {top} |")
    print()


# ---------------------------------------------------------------------------------------------


def default_mu() -> str:
    if os.environ.get("MU"):
        return os.environ["MU"]
    built = REPO / "build-release" / "app" / "mu" / "mu"
    return str(built) if built.is_file() else (shutil.which("mu") or "mu")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mu", default=default_mu(), help="mu binary (default: $MU, build-release/app/mu/mu, PATH)")
    parser.add_argument("--cache", default="/tmp/mu-context-eval", help="where corpora are unpacked and indexed")
    parser.add_argument("--reindex", action="store_true", help="re-run mu index even when an index exists")
    parser.add_argument("--corpus", choices=["python", "rxjs"], action="append",
                        help="only this corpus (repeatable; default both)")
    parser.add_argument("--encoding", default="cl100k_base", choices=["cl100k_base", "o200k_base"])
    parser.add_argument("--check-only", action="store_true", help="prepare corpora and check the questions, then stop")
    parser.add_argument("--out", help="write per-question results as JSON here (default <cache>/results.json)")
    args = parser.parse_args()

    cache = Path(args.cache).resolve()
    if cache == REPO or REPO in cache.parents:
        fail("--cache must be outside the repository (corpora are never committed)")
    cache.mkdir(parents=True, exist_ok=True)
    if not shutil.which(args.mu) and not Path(args.mu).is_file():
        fail(f"mu binary not found: {args.mu}")

    setups = {"python": (prepare_python, HERE / "questions_python.json"),
              "rxjs": (prepare_rxjs, HERE / "questions_ts.json")}
    wanted = args.corpus or list(setups)
    corpora = {}
    for name in wanted:
        prepare, question_file = setups[name]
        root, label = prepare(cache)
        ensure_index(args.mu, root, args.reindex)
        table = NodeTable(root)
        corpora[name] = (root, label, table, load_questions(question_file, table))

    all_questions = [q for *_, qs in corpora.values() for q in qs]
    named = sum(1 for q in all_questions if q["names_identifier"])
    print(f"{len(all_questions)} questions, answers verified; {named} name an identifier verbatim", file=sys.stderr)
    if named * 3 > len(all_questions):
        fail(f"{named} of {len(all_questions)} questions name an identifier verbatim (at most a third may)")
    if args.check_only:
        return 0

    tokens = TokenCounter(args.encoding)
    print(f"tokens: {tokens.method}", file=sys.stderr)
    indexes = {name: Bm25Files(table, cache) for name, (_, _, table, _) in corpora.items()}

    # Tune the baseline's packing on the tune split (strict recall, then MRR), report on both.
    best = None
    for chunk_lines in (20, 40, 80, 120):
        for chunks_per_file in (1, 2, 3):
            recalls = []
            for name, (_, _, table, questions) in corpora.items():
                for q in questions:
                    if q["split"] == "tune":
                        packed = indexes[name].pack(q["question"], tokens, chunk_lines, chunks_per_file)
                        recalls.append(score_baseline(table, q, packed)["recall"])
            key = (mean(recalls), -chunk_lines)
            if best is None or key > best[0]:
                best = (key, chunk_lines, chunks_per_file)
    assert best is not None
    _, chunk_lines, chunks_per_file = best

    results = []
    failures = mismatches = 0
    for name, (root, _, table, questions) in corpora.items():
        for q in questions:
            answer, error, elapsed = run_mu(args.mu, root, q["question"], args.encoding)
            if answer is None:
                failures += 1
                answer = {}
            mu_score = score_mu(table, q, answer, tokens)
            mu_score["seconds"] = round(elapsed, 3)
            if answer and mu_score["tokens"] != mu_score["tokens_recounted"]:
                mismatches += 1
            packed = indexes[name].pack(q["question"], tokens, chunk_lines, chunks_per_file)
            results.append({"corpus": name, "id": q["id"], "question": q["question"], "split": q["split"],
                            "kind": q.get("kind", ""), "names_identifier": q["names_identifier"],
                            "answers": q["answers"], "mu_error": error, "mu": mu_score,
                            "bm25": score_baseline(table, q, packed), "bm25_files": packed["files"]})
            print(f"{q['id']}: mu {mu_score['recall']:.2f} bm25 {results[-1]['bm25']['recall']:.2f} "
                  f"({elapsed:.2f} s){' ' + error if error else ''}", file=sys.stderr)
    tokens.close()

    meta = {"tokenizer": tokens.method, "corpora": {n: c[1] for n, c in corpora.items()}, "mu": args.mu,
            "baseline": {"chunk_lines": chunk_lines, "chunks_per_file": chunks_per_file},
            "mu_failures": failures, "token_mismatches": mismatches}
    out = Path(args.out) if args.out else cache / "results.json"
    out.write_text(json.dumps({"meta": meta, "results": results}, indent=1) + "\n")
    print_report(results, meta)
    print(f"Per-question results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
