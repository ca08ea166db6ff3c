"""Records in from spreadsheets (CONTRACT §8.6): CSV and xlsx rows become the same JSON
objects a JSON Lines line is, and go through the same checks in one transaction.

``columns`` names the columns (English field names or the template's Chinese headers)
and reads cells by each field's type; ``csv_in`` and ``xlsx_in`` read files; ``template``
writes the empty templates they read back.
"""
