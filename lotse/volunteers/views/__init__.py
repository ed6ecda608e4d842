"""The pages of volunteering, one module per part (volunteers, sponsorships, the interpreter pool, figures)."""
