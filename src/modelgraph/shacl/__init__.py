"""The machinery behind `modelgraph.validation`: SHACL Core through pyshacl on page graphs in
batches (`core`), SHACL-SPARQL through pyoxigraph per page and across pages (`sparql`), and
term conversion between the two RDF libraries (`terms`). Use `modelgraph.validation`."""
