"""Plan administration: plans come in from documents, are edited, published, copied and compared.

The plan's models and the plan parser live in ``tasks`` (the plan and its calendar); this app holds
what administrators do with whole plans: read a published document (.txt/.docx/.pdf or the
project's .xlsx template) into a parsed plan, preview and correct it before it is saved, edit a
plan's sections, tasks and indicators on pages of the product, publish a draft, copy a plan into the
next year and compare two years.
"""
