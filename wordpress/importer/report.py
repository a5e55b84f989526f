"""The import's report: counts per kind of record, and what someone should look at."""

from collections import Counter, defaultdict


class Report:
    """Counts per kind of record, and each problem with the item it concerns."""

    OUTCOMES = ("imported", "updated", "unchanged", "skipped")

    def __init__(self):
        self.counts = defaultdict(Counter)
        self.problems = []
        self.notes = []

    def count(self, kind, outcome, n=1):
        self.counts[kind][outcome] += n

    def problem(self, label, message):
        self.problems.append((label, message))

    def as_text(self, dry_run=False):
        lines = ["Dry run: nothing was changed." if dry_run else "Import finished."]
        width = max([len(kind) for kind in self.counts] + [10])
        lines.append(f"{'':<{width}}  " + "  ".join(f"{outcome:>9}" for outcome in self.OUTCOMES))
        for kind, counts in self.counts.items():
            lines.append(
                f"{kind:<{width}}  "
                + "  ".join(f"{counts[outcome]:>9}" for outcome in self.OUTCOMES)
            )
        lines += self.notes
        if self.problems:
            lines.append(f"{len(self.problems)} to look at:")
            lines += [f"- {label}: {message}" for label, message in self.problems]
        return "\n".join(lines)

    def as_dict(self):
        return {
            "counts": {kind: dict(counts) for kind, counts in self.counts.items()},
            "problems": [{"item": label, "message": message} for label, message in self.problems],
            "notes": self.notes,
        }
