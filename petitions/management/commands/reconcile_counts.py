"""Sets every petition's stored count to its confirmed signatures (run after an incident, or nightly)."""

from django.core.management.base import BaseCommand

from petitions.models import PetitionPage, Signature, SignatureState
from supporters.models import ActionCount


class Command(BaseCommand):
    help = "Reconcile petitions' stored signature counts with their confirmed signature rows."

    def handle(self, *args, **options):
        keys = set(PetitionPage.objects.values_list("translation_key", flat=True))
        keys |= set(Signature.objects.values_list("petition_key", flat=True).distinct())
        corrected = 0
        for key in sorted(keys, key=str):
            # Counted once the count's row is locked (see ActionCount.reconcile).
            difference = ActionCount.reconcile(
                key,
                lambda key=key: Signature.objects.filter(
                    petition_key=key, state=SignatureState.CONFIRMED
                ).count(),
            )
            if difference:
                corrected += 1
                title = (
                    PetitionPage.objects.filter(translation_key=key).values_list("title", flat=True).first()
                )
                self.stdout.write(f"{title or key}: corrected by {difference:+d}")
        self.stdout.write(self.style.SUCCESS(f"{len(keys)} petitions checked, {corrected} corrected."))
