"""Counts per translation group: exact under concurrency, with an audited offline offset, reconciled on demand."""

import threading
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from supporters.models import ActionCount, ActionCountAdjustment


@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_are_exact():
    key = uuid.uuid4()
    threads, per_thread, workers = [], 50, 8
    barrier = threading.Barrier(workers)

    def work():
        try:
            barrier.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    ActionCount.increment(key)
        finally:
            connection.close()

    for _ in range(workers):
        thread = threading.Thread(target=work)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    assert ActionCount.total_for(key) == workers * per_thread


@pytest.mark.django_db
def test_offset_is_audited_and_added_to_the_total():
    key = uuid.uuid4()
    for _ in range(3):
        ActionCount.increment(key)
    editor = get_user_model().objects.create_user("editor")
    count = ActionCount.objects.get(key=key)
    count.set_offset(997, editor, "Paper signatures collected at the Bern stand")
    assert ActionCount.total_for(key) == 1000
    adjustment = ActionCountAdjustment.objects.get(count=count)
    assert (adjustment.previous_offset, adjustment.new_offset, adjustment.changed_by) == (0, 997, editor)
    assert adjustment.reason == "Paper signatures collected at the Bern stand"


@pytest.mark.django_db
def test_a_negative_offset_never_shows_a_negative_total():
    key = uuid.uuid4()
    ActionCount.increment(key)
    ActionCount.objects.get(key=key).set_offset(-5, None, "Duplicate paper sheet removed")
    assert ActionCount.total_for(key) == 0


@pytest.mark.django_db
def test_reconcile_sets_the_stored_count_to_the_rows():
    key = uuid.uuid4()
    for _ in range(5):
        ActionCount.increment(key)
    assert ActionCount.reconcile(key, 3) == -2
    assert ActionCount.total_for(key) == 3
    assert ActionCount.reconcile(key, 3) == 0


@pytest.mark.django_db
def test_an_action_nobody_took_counts_zero():
    assert ActionCount.total_for(uuid.uuid4()) == 0
