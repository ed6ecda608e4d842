"""The views of volunteering, one module per part (volunteers, sponsorships, interpreter pool, figures)."""
