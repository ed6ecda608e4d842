"""What the people app tells other apps, without depending on them.

``housing_recorded`` is sent inside the transaction of a caseworker's new or corrected housing record
(``add_status_record`` / ``update_status_record`` of the kind "housing") and before one is deleted
(``delete_status_record``, with ``deleted=True``); receivers run in the same transaction.
``lotse.arrivals`` receives it to announce a private tenancy to the shelter of a linked accommodation
record (``lotse.arrivals.exchange``). Records written by the accommodation services or by the exchange
itself are not announced.

Arguments: ``acting_user`` (None: a command or the demo loader), ``record`` (the HousingRecord) and, when
it is about to be deleted, ``deleted=True``.
"""

from django.dispatch import Signal

housing_recorded = Signal()
