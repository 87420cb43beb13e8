"""The documented limits of a registry file: past them a file or a line is refused with a clear error.

Excel's own limits are the guide: a sheet holds 1,048,576 rows and 16,384 columns, a cell
32,767 characters. A real registry is far inside them; a crafted file ("XLSX bomb") is not.

| limit                    | value       | past it                                               |
|--------------------------|-------------|-------------------------------------------------------|
| MAX_COLUMNS              | 2,000       | the file is refused (header too wide)                 |
| MAX_LINE_BYTES           | 1 MiB       | that line fails; the header line: the file is refused |
| MAX_QUOTED_LINES         | 50          | an unclosed quote fails its own line only             |
| HEADER_SEARCH_ROWS       | 20          | no row up to it names a field: the first row is the header |
| XLSX_MAX_ROWS            | 1,048,576   | reading stops with an error after that many rows      |
| XLSX_MAX_CELL_CHARS      | 32,767      | that cell fails its row                               |
| XLSX_MAX_PART_BYTES      | 2 GiB       | a sheet or string table larger unzipped: refused      |
| XLSX_MAX_STRINGS_BYTES   | 256 MiB     | a shared-string table larger unzipped: refused        |
| XLSX_MAX_RATIO           | 100         | a part compressed more than 100:1 (and > 16 MiB): refused |
"""

MAX_COLUMNS = 2_000
MAX_LINE_BYTES = 1024 * 1024
MAX_QUOTED_LINES = 50
HEADER_SEARCH_ROWS = 20
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CELL_CHARS = 32_767
XLSX_MAX_PART_BYTES = 2 * 1024 ** 3
XLSX_MAX_STRINGS_BYTES = 256 * 1024 ** 2
XLSX_MAX_RATIO = 100
XLSX_RATIO_FLOOR = 16 * 1024 ** 2  # small parts may compress as they like
XLSX_CALAMINE_MAX_BYTES = 64 * 1024 ** 2  # larger sheets are streamed (calamine holds a sheet in memory)
