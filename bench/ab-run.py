#!/usr/bin/env python3
"""Interleaved A/B of builds made by bench/ab-build.sh: every round runs each build once, in a
shuffled order, so load from other work falls on all of them alike (hyperfine's one-command-
after-the-other runs moved by more than the changes measured here). Prints medians and means of
wall time and of the CPU (user+sys) wait4 reports: the front end's only for `run`, whose CLI is
its child and not waited for (docs/performance.md, "Session 5").

Usage: bench/ab-run.py ROUNDS NAME... [-- NSBOX ARGS]   (default: run --rm --net none busybox true)
A file /var/tmp/nsbox-ab/NAME/env (KEY=VALUE words) adds to that build's environment."""
import os, random, statistics as st, sys, time

argv = sys.argv[1:]
args = "run --rm --net none busybox true".split()
if "--" in argv:
    args = argv[argv.index("--") + 1:]
    argv = argv[:argv.index("--")]
rounds, names = int(argv[0]), argv[1:]
base = "/var/tmp/nsbox-ab"

def env_of(n):
    extra = {}
    path = f"{base}/{n}/env"
    if os.path.exists(path):
        extra = dict(w.split("=", 1) for w in open(path).read().split())
    return dict(os.environ, NSBOX_ROOT=f"/var/lib/nsbox-ab-{n}", **extra)

envs = {n: env_of(n) for n in names}
null = os.open("/dev/null", os.O_RDWR)

def once(n):
    t = time.perf_counter()
    pid = os.posix_spawn(f"{base}/{n}/bin/nsbox", ["nsbox", *args], envs[n], file_actions=[(os.POSIX_SPAWN_DUP2, null, 1)])
    _, status, ru = os.wait4(pid, 0)
    if status != 0:
        print(f"{n}: exit status {status}", file=sys.stderr)
    return (time.perf_counter() - t) * 1000, (ru.ru_utime + ru.ru_stime) * 1000

for n in names:  # warm-up: page cache, the root's caches
    for _ in range(3):
        once(n)
res = {n: ([], []) for n in names}
for _ in range(rounds):
    for n in random.sample(names, len(names)):
        w, c = once(n)
        res[n][0].append(w)
        res[n][1].append(c)
for n in names:
    w, c = res[n]
    print(f"{n:14s} wall median {st.median(w):6.2f} mean {st.mean(w):6.2f} ms   cpu median {st.median(c):6.2f} mean {st.mean(c):6.2f} ms")
