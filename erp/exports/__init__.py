"""Exports of list pages: whatever a table built with `erp.tables.build_table` shows under its
filters and sort, every row of it, as CSV or XLSX, from one mechanism.

A page opts in by giving its columns a `value` (`erp.tables.Column`). A GET of the page with
`export=csv|xlsx` makes `build_table` raise `ExportRequested` carrying the filtered, sorted
source; `erp.exports.middleware.ExportMiddleware` answers it with a streamed file, or, above
`STOCKLINE_EXPORT_INLINE_ROWS` rows, with a page offering to run the export as a background
job (`ExportJob`, a POST), whose worker replays the page's request to get the same rows.
"""
