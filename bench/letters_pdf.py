"""Benchmark: how fast one process prints visitors' letters (fpdf2 + DejaVu), and how big they are.

Run: .venv/bin/python bench/letters_pdf.py [count]
Prints letters per second, p50/p95 latency and PDF sizes for a French and a Russian letter.
No database or server: it measures the PDF step that every "Prepare my letter" POST pays.
"""

import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaidoyer.settings.dev")

import django  # noqa: E402

django.setup()

from petitions.letters.models import LetterText  # noqa: E402
from petitions.letters.pdf import letter_date, letter_pdf  # noqa: E402

ADDRESS = [
    "Ministre des Affaires étrangères",
    "Ministère des Affaires étrangères de la République de Biélorussie",
    "vul. Lenina 19",
    "220030 Minsk",
    "RÉPUBLIQUE DE BIÉLORUSSIE",
]
LETTERS = {
    "fr": LetterText(
        "fr",
        "Monsieur le Ministre,",
        ("Je vous écris au sujet de Maryia Kalesnikava, condamnée à onze ans de prison. " * 6 + "\n\n") * 3,
        "Je vous prie d'agréer, Monsieur le Ministre, l'expression de ma haute considération.",
        ADDRESS,
    ),
    "ru": LetterText(
        "ru",
        "Уважаемый господин Министр!",
        ("Я пишу вам по поводу Марии Колесниковой, приговорённой к одиннадцати годам. " * 6 + "\n\n") * 3,
        "С уважением,",
        ["Министру иностранных дел Республики Беларусь", "ул. Ленина, 19", "220030 г. Минск", "БЕЛАРУСЬ"],
    ),
}


def main(count):
    for language, text in LETTERS.items():
        timings, size = [], 0
        for _ in range(count):
            start = time.perf_counter()
            pdf = letter_pdf(
                text=text,
                sender_lines=["Anne-Sophie Müller", "Neuchâtel", "Suisse"],
                town="Neuchâtel",
                date_text=letter_date(language),
                personal_paragraph=["J'ai appris son histoire au Marathon des lettres."],
                signature="Anne-Sophie Müller",
            )
            timings.append(time.perf_counter() - start)
            size = len(pdf)
        timings.sort()
        p50 = statistics.median(timings) * 1000
        p95 = timings[int(len(timings) * 0.95) - 1] * 1000
        print(
            f"{language}: {count} letters, {count / sum(timings):.1f} letters/s, "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, PDF {size / 1024:.1f} KB"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
