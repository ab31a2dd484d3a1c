"""Themes (issue 20): what a team keeps saying, found on the team's own machine — no text leaves
the deployment. Short texts are vectorised with TF-IDF over words and over character n-grams
(so "refund policy", "refund polcy" and "refunds policy for annual plans" land near each other)
and grouped by agglomerative clustering on cosine distance (scikit-learn). A theme is shown
only when at least MIN_PEOPLE different people wrote into it, and it is never attributed."""

import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.sparse import hstack
from sklearn.cluster import AgglomerativeClustering
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

MIN_PEOPLE = 3  # a theme from fewer people could point at someone
DISTANCE = 0.9  # cosine distance under which texts join one theme (bench/themes.py tunes it)
NEEDS_DISTANCE = 0.6  # training needs are short: only close wordings are one need
SVD_DIMS = 100  # dimensions of the latent space texts are compared in
MAX_CHARS = 600  # of a long answer, the start says what it is about
WORDS = re.compile(r"[^\W\d_]{2,}")
STOP = ENGLISH_STOP_WORDS | {"today", "customer", "customers", "ticket", "tickets", "really",
                             "bit", "lot", "just", "did", "got", "need", "needed", "like",
                             "want", "better", "more", "would", "could", "should"}  # fmt: skip


@dataclass(frozen=True)
class Text:
    """One answer or comment: who wrote it (an opaque key: a person's id, a customer's
    response id) and what it says."""

    author: str
    text: str


@dataclass(frozen=True)
class Theme:
    label: str  # its most telling words
    texts: int
    people: int
    members: tuple[int, ...]  # indexes into the texts given (never shown to anyone)


def usable(text: str) -> bool:
    """Text with words in it (emoji-only and empty answers say nothing a theme can use)."""
    return len(WORDS.findall(text)) >= 1


def find(texts: Sequence[Text], *, min_people: int = MIN_PEOPLE,
         distance: float = DISTANCE) -> list[Theme]:  # fmt: skip
    """The themes of these texts, biggest first; only those from at least `min_people` people."""
    kept = [(n, t) for n, t in enumerate(texts) if usable(t.text)]
    if len({t.author for _, t in kept}) < min_people or len(kept) < min_people:
        return []
    docs = [t.text[:MAX_CHARS].lower() for _, t in kept]
    groups = _groups(docs, distance)
    themes = []
    for members in groups:
        people = {kept[i][1].author for i in members}
        if len(people) < min_people:
            continue
        themes.append(Theme(label=_label([docs[i] for i in members]), texts=len(members),
                            people=len(people),
                            members=tuple(kept[i][0] for i in members)))  # fmt: skip
    return sorted(themes, key=lambda theme: (-theme.people, -theme.texts, theme.label))


def clusters(docs: Sequence[str], distance: float = DISTANCE) -> list[int]:
    """A cluster number for each text (the bench scores these against known topics)."""
    labels = [0] * len(docs)
    for number, members in enumerate(_groups([d[:MAX_CHARS].lower() for d in docs], distance)):
        for i in members:
            labels[i] = number
    return labels


def _groups(docs: Sequence[str], distance: float) -> list[list[int]]:
    if len(docs) == 1:
        return [[0]]
    words = TfidfVectorizer(token_pattern=WORDS.pattern, stop_words=list(STOP),
                            sublinear_tf=True, ngram_range=(1, 2))  # fmt: skip
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    try:
        matrix = hstack([words.fit_transform(docs), chars.fit_transform(docs)]).tocsr()
    except ValueError:  # no word in any text (every one a stop word)
        matrix = chars.fit_transform(docs)
    matrix = normalize(matrix)
    # Latent semantic analysis: a few hundred dimensions instead of every word and n-gram, so
    # texts that share no word but share company ("refund" with "money back") come closer,
    # and a month of texts clusters in seconds and a little memory.
    dims = min(SVD_DIMS, matrix.shape[0] - 1, matrix.shape[1] - 1)
    if dims >= 2:
        with warnings.catch_warnings():  # identical texts: no variance to explain, a warning
            warnings.simplefilter("ignore", RuntimeWarning)
            dense = normalize(TruncatedSVD(n_components=dims, random_state=0).fit_transform(matrix))
    else:
        dense = matrix.toarray()
    model = AgglomerativeClustering(n_clusters=None, distance_threshold=distance,
                                    metric="cosine", linkage="average")  # fmt: skip
    labels = model.fit_predict(dense)
    found: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        found.setdefault(int(label), []).append(index)
    return list(found.values())


def _label(docs: Sequence[str]) -> str:
    """The words most of the texts share (up to three), in the order people write them."""
    counts: Counter[str] = Counter()
    for doc in docs:
        counts.update(dict.fromkeys((w for w in WORDS.findall(doc) if w not in STOP), 1))
    if not counts:
        return docs[0][:40]
    top = [w for w, _ in counts.most_common(3) if counts[w] >= max(2, len(docs) // 3)] or [
        counts.most_common(1)[0][0]
    ]
    words = [WORDS.findall(doc) for doc in docs]  # whole words: "plan" is not in "explanation"
    first = next((found for found in words if all(w in found for w in top)), words[0])
    return " ".join(sorted(top, key=lambda w: first.index(w) if w in first else len(first)))


QUOTE_CHARS = 200  # of a quoted answer, at most


def representative(texts: Sequence[str], label: str) -> str:
    """The answer that says the theme best in few words: the one with most of the label's words
    (the shorter of two alike), cut at a word to QUOTE_CHARS."""
    words = label.split()
    best = min(texts, key=lambda t: (-sum(w in t.lower() for w in words), len(t)))
    best = " ".join(best.split())
    if len(best) <= QUOTE_CHARS:
        return best
    return best[:QUOTE_CHARS].rsplit(" ", 1)[0] + "…"


def group_needs(needs: Sequence[str], *, distance: float = NEEDS_DISTANCE,
                top: int | None = None) -> list[tuple[str, int]]:  # fmt: skip
    """Training needs grouped by meaning: each group named by its shortest wording, and how
    many times it was asked for, most first ("refund policy" and "refund policy for annual
    plans" are one). Needs without a word (emoji, "-") are left out."""
    kept = [need for need in needs if usable(need)]
    if not kept:
        return []
    groups = _groups([need.lower() for need in kept], distance)
    named = [(min((kept[i] for i in members), key=lambda text: (len(text), text)), len(members))
             for members in groups]  # fmt: skip
    return sorted(named, key=lambda pair: (-pair[1], pair[0]))[:top]


def nmi(truth: Sequence[str], found: Sequence[int]) -> float:
    """Normalized mutual information of found clusters against known topics (bench)."""
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(list(truth), list(found)))
