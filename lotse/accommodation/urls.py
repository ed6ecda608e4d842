"""Accommodation URLs under /unterbringung/; each views module lists its own patterns."""

from lotse.accommodation.views import assignments, figures, monitor, residents, shelters

app_name = "accommodation"

urlpatterns = [
    *shelters.urlpatterns,
    *residents.urlpatterns,
    *assignments.urlpatterns,
    *figures.urlpatterns,
    *monitor.urlpatterns,
]
