#!/usr/bin/env python3
"""tools/bench_table.py: the final table of tools/bench.

Reads the results file tools/bench writes (one tab-separated line per
measured run: scenario, run, status, bytes, wall seconds, peak RSS KiB, path
of the job's --json reply or '-', extra key=value words) and prints, per
scenario, the medians over its runs, then every target of issue 12 item 6
with the ratio against it and PASS/MISS. --markdown FILE writes the same
two tables as markdown for the README.

Throughput is bytes / wall seconds of the process as a user runs it (start,
labels, load, positioning included), the one measure every tool shares; the
job's own figures from its JSON reply (mb_per_s, seconds, drive_stalls,
backhitches) are shown beside it, "n/a" where the reply does not carry them
as numbers.
"""
import argparse
import json
import statistics
import sys

# Scenario key -> label, in the order of the table.
SCENARIOS = [
    ("unthr.tapegate", "tapegate backup, sim unthrottled, warm"),
    ("unthr.dd256", "dd bs=256k file to file"),
    ("unthr.dd1m", "dd bs=1M file to file"),
    ("unthr.mbuffer", "mbuffer -s 256k -m 64M file to file"),
    ("unthr.sha256", "openssl dgst -sha256"),
    ("unthr.restore", "tapegate restore, sim unthrottled"),
    ("unthr.rawread", "raw READ loop, sim unthrottled"),
    ("rss.huge", "tapegate backup, sim unthrottled, large (RSS)"),
    ("rss.many", "tapegate backup, sim unthrottled, many files (RSS)"),
    ("s400.warm", "tapegate backup, 400 MB/s, warm source"),
    ("s400.cold", "tapegate backup, 400 MB/s, cold source"),
    ("s400.small", "tapegate backup, 400 MB/s, small files"),
    ("s400.restore", "tapegate restore, 400 MB/s"),
    ("s400.rawread", "raw READ loop, 400 MB/s"),
    ("dual.a", "two 400 MB/s drives at once: job A"),
    ("dual.b", "two 400 MB/s drives at once: job B"),
    ("iscsi.tapegate", "tapegate backup, tgt over iSCSI"),
    ("iscsi.rawwrite", "raw WRITE loop, tgt over iSCSI"),
    ("iscsi.restore", "tapegate restore, tgt over iSCSI"),
    ("iscsi.rawread", "raw READ loop, tgt over iSCSI"),
]

COLUMNS = ["scenario", "runs", "MB", "MB/s", "job MB/s", "s", "stalls", "backhitches", "peak RSS MiB", "notes"]


def number(v):
    """A JSON number (not a bool), else None: today's replies carry some figures as text."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def load_json(path):
    if path in ("", "-"):
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            v = json.load(f)
        return v if isinstance(v, dict) else {}
    except (OSError, ValueError):
        return {}


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Scenario:
    def __init__(self):
        self.runs = []  # dicts of figures per successful run
        self.failures = []
        self.extra = {}


def read_results(path):
    scen = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 7:
                continue
            key, _run, status, nbytes, wall, rss_kib, jpath = parts[:7]
            extra = dict(w.split("=", 1) for w in (parts[7].split() if len(parts) > 7 else []) if "=" in w)
            s = scen.setdefault(key, Scenario())
            if status != "ok":
                s.failures.append(status)
                continue
            j = load_json(jpath)
            b = number(j.get("bytes_written")) or number(j.get("bytes")) or float(nbytes or 0)
            w = float(wall)
            fig = {
                "bytes": b,
                "wall": w,
                "mbps": b / w / 1e6 if w > 0 else None,
                "job_mbps": number(j.get("mb_per_s")),
                "job_s": number(j.get("seconds")),
                "stalls": number(j.get("drive_stalls")),
                "backhitches": number(j.get("backhitches")),
                "rss_mib": float(rss_kib) / 1024 if rss_kib not in ("", "-") else None,
                "tape_files": number(j.get("tape_files")),
                "cartridges": len(str(j.get("cartridges", "")).split()) if isinstance(j.get("cartridges"), str) else None,
            }
            # Per drive, when the reply lists them: index -> figures.
            drives = j.get("drives") if isinstance(j.get("drives"), list) else []
            for i, d in enumerate(x for x in drives if isinstance(x, dict)):
                for name in ("mb_per_s", "drive_stalls", "backhitches"):
                    fig[f"drive{i}.{name}"] = number(d.get(name))
            for k, v in extra.items():
                try:
                    fig[k] = float(v)
                except ValueError:
                    s.extra[k] = v
            s.runs.append(fig)
    return scen


def med(scen, key, field):
    s = scen.get(key)
    return median([r.get(field) for r in s.runs]) if s else None


def fmt(v, digits=1):
    if v is None:
        return "n/a"
    if digits == 0:
        return str(int(round(v)))
    return f"{v:.{digits}f}"


def figure_rows(scen):
    rows = []
    for key, label in SCENARIOS:
        s = scen.get(key)
        if s is None:
            continue
        notes = []
        if s.failures:
            notes.append(f"{len(s.failures)} run(s) failed: {s.failures[0].removeprefix('FAILED: ')[:100]}")
        notes += [f"{k} {v}" for k, v in s.extra.items()]
        files = med(scen, key, "files")
        if files is not None:
            notes.append(f"{int(files)} files")
        i = 0
        while any(f"drive{i}.mb_per_s" in r for r in s.runs):
            d = lambda name: med(scen, key, f"drive{i}.{name}")
            notes.append(f"drive {i}: {fmt(d('mb_per_s'))} MB/s, {fmt(d('drive_stalls'), 0)} stalls, "
                         f"{fmt(d('backhitches'), 0)} backhitches")
            i += 1
        rows.append([
            label, str(len(s.runs)), fmt(med(scen, key, "bytes") and med(scen, key, "bytes") / 1e6, 0),
            fmt(med(scen, key, "mbps")), fmt(med(scen, key, "job_mbps")), fmt(med(scen, key, "wall"), 2),
            fmt(med(scen, key, "stalls"), 0), fmt(med(scen, key, "backhitches"), 0), fmt(med(scen, key, "rss_mib")),
            "; ".join(notes),
        ])
    return rows


def target_rows(scen, ring_mib):
    """[target, measured, reference, ratio, verdict] for every target of the issue."""
    rows = []

    def add(text, measured, reference, ratio, ok, key=None):
        failed = key in scen and not scen[key].runs
        verdict = "FAILED" if failed else "n/a" if ok is None else ("PASS" if ok else "MISS")
        rows.append([text, measured, reference, fmt(ratio, 2) if ratio is not None else "-", verdict])

    def at_least(text, key, ref_value, ref_text, factor):
        v = med(scen, key, "mbps")
        if key not in scen:
            return
        ratio = v / ref_value if v is not None and ref_value else None
        add(text, fmt(v) + (" MB/s" if v is not None else ""), ref_text, ratio,
            None if ratio is None else ratio >= factor, key)

    dd, sha = med(scen, "unthr.dd256", "mbps"), med(scen, "unthr.sha256", "mbps")
    limit = min(v for v in (dd, sha) if v is not None) if (dd or sha) else None
    at_least("unthrottled: >= 0.8 x min(dd bs=256k, sha256)", "unthr.tapegate", limit,
             fmt(limit) + " MB/s", 0.8)
    mb = med(scen, "unthr.mbuffer", "mbps")
    at_least("unthrottled: >= 1.0 x mbuffer (hashing on)", "unthr.tapegate", mb, fmt(mb) + " MB/s", 1.0)
    cap = ring_mib + 16
    for key, what in (("unthr.tapegate", "unthrottled run"), ("rss.huge", "large run"), ("rss.many", "many files"),
                      ("s400.small", "small files")):
        if key not in scen:
            continue
        r = med(scen, key, "rss_mib")
        size = med(scen, key, "bytes")
        files = med(scen, key, "files")
        detail = f"{what}, {fmt(size and size / 2**20, 0)} MiB" + (f", {int(files)} files" if files else "")
        add(f"peak RSS <= ring + 16 MiB ({detail})", fmt(r) + " MiB", f"{cap} MiB",
            r / cap if r is not None else None, None if r is None else r <= cap, key)
    raw = med(scen, "iscsi.rawwrite", "mbps")
    at_least("iSCSI: >= 0.9 x raw WRITE loop (same block size)", "iscsi.tapegate", raw, fmt(raw) + " MB/s", 0.9)
    if "s400.warm" in scen:
        st = med(scen, "s400.warm", "stalls")
        add("400 MB/s warm: 0 drive stalls", fmt(st, 0), "0", None, None if st is None else st == 0, "s400.warm")
        bh = med(scen, "s400.warm", "backhitches")
        # One per sync (each tape file ends with one) and one per cartridge change.
        tf, carts = med(scen, "s400.warm", "tape_files"), med(scen, "s400.warm", "cartridges")
        allowed = tf + max((carts or 1) - 1, 0) if tf is not None else None
        add("400 MB/s warm: <= 1 backhitch per sync and per cartridge change", fmt(bh, 0),
            "<= " + fmt(allowed, 0), None,
            None if bh is None or allowed is None else bh <= allowed, "s400.warm")
    for key, text in (("s400.small", "400 MB/s small files: >= 360 MB/s"),
                      ("dual.a", "two 400 MB/s drives at once: job A >= 360 MB/s"),
                      ("dual.b", "two 400 MB/s drives at once: job B >= 360 MB/s")):
        at_least(text, key, 360.0, "360 MB/s", 1.0)
    # Restore keeps up with the drive (issue 12: >= 0.9 of a raw READ loop
    # on the same drive). On the unthrottled sim a READ is a memcpy from
    # the page cache, the hardest reference; the 400 MB/s drive and tgt are
    # drives with a speed of their own.
    for prefix, where in (("unthr", "sim unthrottled"), ("s400", "400 MB/s"), ("iscsi", "tgt over iSCSI")):
        ref = med(scen, prefix + ".rawread", "mbps")
        at_least(f"restore, {where}: >= 0.9 x raw READ loop ({where})", prefix + ".restore", ref,
                 fmt(ref) + " MB/s", 0.9)
    return rows


def text_table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda r: "  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def md_table(header, rows):
    esc = lambda x: str(x).replace("|", "\\|")
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(esc(x) for x in r) + " |" for r in rows]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--ring-mib", type=int, required=True)
    ap.add_argument("--title", default="")
    ap.add_argument("--markdown")
    a = ap.parse_args()
    scen = read_results(a.results)
    figs = figure_rows(scen)
    targets = target_rows(scen, a.ring_mib)
    theader = ["target", "measured", "reference", "ratio", "verdict"]
    print(a.title)
    print()
    print(text_table(COLUMNS, figs))
    print()
    print(text_table(theader, targets))
    if a.markdown:
        with open(a.markdown, "w", encoding="utf-8") as f:
            f.write(f"{a.title}\n\n{md_table(COLUMNS, figs)}\n\n{md_table(theader, targets)}\n")
    count = lambda v: sum(1 for r in targets if r[-1] == v)
    print(f"\n{len(targets)} targets: {count('PASS')} PASS, {count('MISS')} MISS, {count('FAILED')} FAILED, "
          f"{count('n/a')} n/a")
    return 0


if __name__ == "__main__":
    sys.exit(main())
