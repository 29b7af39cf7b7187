"""FrontDesk's data layer: models, queries and every business rule (never imports Textual)."""
