"""One module per report area: `reports(tenant, Report) -> list[Report]`, each a KPI page's
URL, the figures it shows, and a hand-written SQL statement for the same figures
(bench/reports.py times them side by side)."""
