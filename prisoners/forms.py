"""The page form for pages that name prisoner records: each person is offered once, in the page's language."""

from django.db.models import QuerySet
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Locale

from .models import PrisonerRecord


def one_record_per_person(locale_id, chosen=()):
    """One record per person (translation group): the one already `chosen`, else the one in `locale_id`,
    else the default language's, else the first made. Records are translated: one row per language."""
    default_locale_id = Locale.get_default().pk
    rank = {}
    best = {}
    for pk, key, record_locale_id in PrisonerRecord.objects.values_list("pk", "translation_key", "locale_id"):
        score = (pk not in chosen, record_locale_id != locale_id, record_locale_id != default_locale_id, pk)
        if key not in rank or score < rank[key]:
            rank[key], best[key] = score, pk
    return PrisonerRecord.objects.filter(pk__in=best.values()).order_by("full_name", "pk")


class PrisonerRecordsPageForm(WagtailAdminPageForm):
    """Every field of the page that chooses prisoner records lists each person once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if isinstance(queryset, QuerySet) and queryset.model is PrisonerRecord:
                field.queryset = one_record_per_person(self.instance.locale_id, self.chosen_pks(name))

    def chosen_pks(self, name):
        value = self.initial.get(name)
        values = value if isinstance(value, (list, tuple, QuerySet)) else [value]
        return {getattr(item, "pk", item) for item in values if item}
