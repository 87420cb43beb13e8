"""The web layer: the self-check pages and the JSON API, thin over `advisor`."""
