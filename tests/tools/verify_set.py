#!/usr/bin/env python3
"""verify_set.py - builds the labelled pairs the citation checker (core/answer/verify.c) is tuned on.

From SciFact (../shared/data/scifact): every claim with a judgment in qrels/train.tsv gives
three pairs: its first relevant abstract (label 1, "supported", kind "pos"), the non-relevant
abstract that shares the most with it under BM25 (label 0, kind "hard": lexically closest
but about something else), and the 20th closest non-relevant one (label 0, kind "near": on
the topic's edge, like a lower-ranked retrieved passage). Deterministic; Python standard
library only.

    python3 tests/tools/verify_set.py [SCIFACT_DIR] > tests/data/verify_pairs.tsv

Output: claim-id TAB corpus-id TAB label TAB kind, claims in qrels order.
"""
import json
import math
import os
import re
import sys
from collections import Counter, defaultdict

STOP = set("""a an and are as at be by for from has have in is it its of on or that the this
to was were which with not no than then there these those their they we our between into
after before during both each more most other some such only can may also been being""".split())


def words(s):
    return [w for w in re.findall(r"[a-z0-9]+", s.lower()) if w not in STOP and len(w) > 1]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "..", "shared", "data", "scifact")
    docs = {}
    with open(os.path.join(root, "corpus.jsonl")) as f:
        for line in f:
            d = json.loads(line)
            docs[d["_id"]] = d["title"] + " " + d["text"]
    claims = {}
    with open(os.path.join(root, "queries.jsonl")) as f:
        for line in f:
            q = json.loads(line)
            claims[q["_id"]] = q["text"]
    rel = defaultdict(list)
    order = []
    with open(os.path.join(root, "qrels", "train.tsv")) as f:
        next(f)
        for line in f:
            q, d, _ = line.split("\t")
            if q not in rel:
                order.append(q)
            rel[q].append(d)

    tf = {}
    df = Counter()
    post = defaultdict(list)
    for did, text in docs.items():
        c = Counter(words(text))
        tf[did] = (c, sum(c.values()))
        for w in c:
            df[w] += 1
            post[w].append(did)
    n = len(docs)
    avg = sum(l for _, l in tf.values()) / n

    for q in order:
        score = defaultdict(float)
        for w in set(words(claims[q])):
            idf = math.log(1 + (n - df[w] + 0.5) / (df[w] + 0.5))
            for did in post.get(w, ()):
                c, l = tf[did]
                k = c[w]
                score[did] += idf * k * 2.2 / (k + 1.2 * (0.25 + 0.75 * l / avg))
        negs = sorted((d for d in score if d not in rel[q]), key=lambda d: (-score[d], d))
        print("%s\t%s\t1\tpos" % (q, rel[q][0]))
        if negs:
            print("%s\t%s\t0\thard" % (q, negs[0]))
        if len(negs) >= 20:
            print("%s\t%s\t0\tnear" % (q, negs[19]))


if __name__ == "__main__":
    main()
