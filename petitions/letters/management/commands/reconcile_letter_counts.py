"""Sets each letter action's stored count to the number of letters actually marked sent (per translation group)."""

from django.core.management.base import BaseCommand

from petitions.letters.models import Letter, LetterActionPage, LetterState
from supporters.models import ActionCount


class Command(BaseCommand):
    help = "Reconcile the counts of letters sent with the letters' own rows."

    def handle(self, *args, **options):
        keys = LetterActionPage.objects.values_list("translation_key", flat=True).distinct()
        for key in keys:
            actual = Letter.objects.filter(action__translation_key=key, state=LetterState.SENT).count()
            difference = ActionCount.reconcile(key, actual)
            if difference:
                self.stdout.write(f"{key}: corrected by {difference:+d} to {actual}")
        self.stdout.write(self.style.SUCCESS(f"{len(keys)} letter action(s) checked."))
