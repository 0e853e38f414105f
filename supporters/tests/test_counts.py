"""ActionCount: atomic increments, audited offsets, reconciliation that cannot lose a concurrent action."""

import threading
import uuid

import pytest
from django.db import OperationalError, connection, transaction

from supporters.models import ActionCount, ActionCountAdjustment

pytestmark = pytest.mark.django_db


def test_increment_creates_the_row_then_adds():
    key = uuid.uuid4()
    ActionCount.increment(key)
    ActionCount.increment(key, by=2)
    assert ActionCount.total_for(key) == 3


def test_offset_is_audited_and_the_total_never_negative(django_user_model):
    key = uuid.uuid4()
    ActionCount.increment(key)
    row = ActionCount.objects.get(key=key)
    user = django_user_model.objects.create_user("staff")
    row.set_offset(-5, user, "Doublons retirés")
    assert ActionCount.total_for(key) == 0
    adjustment = ActionCountAdjustment.objects.get()
    assert (adjustment.previous_offset, adjustment.new_offset, adjustment.changed_by) == (0, -5, user)


@pytest.mark.django_db(transaction=True)
def test_reconcile_evaluates_a_callable_once_the_row_is_locked():
    key = uuid.uuid4()
    ActionCount.increment(key, by=10)
    others_could_lock = []

    def try_to_lock():
        # Another connection, as a confirmation in another request would be.
        try:
            with transaction.atomic():
                list(ActionCount.objects.select_for_update(nowait=True).filter(key=key))
            others_could_lock.append(True)
        except OperationalError:
            others_could_lock.append(False)
        finally:
            connection.close()

    def actual():
        thread = threading.Thread(target=try_to_lock)
        thread.start()
        thread.join()
        return 7

    assert ActionCount.reconcile(key, actual) == -3
    assert others_could_lock == [False]
    assert ActionCount.total_for(key) == 7
