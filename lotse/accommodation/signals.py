"""What accommodation tells other apps, without depending on them.

``stay_changed`` is sent inside the transaction of a move-in (into a shelter, or within or between
shelters) and of a move-out, after the person's housing situation was recorded. Receivers run in the
same transaction: an error in a receiver undoes the move. ``lotse.arrivals`` receives it to pass the
housing situation on to linked casework records (``lotse.arrivals.exchange``).

Arguments: ``acting_user`` (None: a command or the demo loader), ``occupancy`` (the new stay, or the stay
that ended), ``shelter`` (the stay's shelter, whose operator is the housing organisation) and ``record``
(the person's housing record of the day, or None when the move-out's reason tells no housing situation).
"""

from django.dispatch import Signal

stay_changed = Signal()
