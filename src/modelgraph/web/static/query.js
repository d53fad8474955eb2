/* The query page: YASGUI on this service's own endpoint, with example queries.
 *
 * Nothing here may reach the internet. YASGUI's defaults would: its class and property
 * autocompleters ask Linked Open Vocabularies, and its endpoint box suggests public
 * endpoints. Both are replaced by this service's own data; prefix.cc lookups and the CORS
 * proxy stay off (prefixCcApi null, corsProxy unset).
 */
(function () {
  "use strict";

  var root = document.getElementById("yasgui");
  var endpoint = new URL(root.dataset.endpoint, document.baseURI).href;
  var examples = JSON.parse(document.getElementById("query-examples").textContent);
  var byName = {};
  examples.forEach(function (example) { byName[example.name] = example; });

  var Yasqe = Yasgui.Yasqe;

  // Vocabulary terms come from the graph itself (the ontology is one of its named graphs).
  var TERM_QUERIES = {
    property: "SELECT DISTINCT ?term WHERE { VALUES ?kind { " +
      "<http://www.w3.org/2002/07/owl#ObjectProperty> <http://www.w3.org/2002/07/owl#DatatypeProperty> " +
      "<http://www.w3.org/2002/07/owl#AnnotationProperty> <http://www.w3.org/1999/02/22-rdf-syntax-ns#Property> } " +
      "?term a ?kind } LIMIT 5000",
    class: "SELECT DISTINCT ?term WHERE { { ?term a <http://www.w3.org/2002/07/owl#Class> } UNION " +
      "{ ?term a <http://www.w3.org/2000/01/rdf-schema#Class> } UNION { [] a ?term } } LIMIT 5000"
  };
  var termCache = {};

  function terms(kind) {
    if (!termCache[kind]) {
      termCache[kind] = fetch(endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/sparql-results+json"
        },
        body: new URLSearchParams({ query: TERM_QUERIES[kind] })
      }).then(function (response) {
        if (!response.ok) { throw new Error("term lookup failed: " + response.status); }
        return response.json();
      }).then(function (json) {
        return json.results.bindings
          .filter(function (b) { return b.term && b.term.type === "uri"; })
          .map(function (b) { return b.term.value; })
          .sort();
      }).catch(function (error) {
        delete termCache[kind];
        throw error;
      });
    }
    return termCache[kind];
  }

  function localCompleter(kind) {
    return function (yasqe, token) {
      var typed = (token && token.autocompletionString) || "";
      return terms(kind).then(function (all) {
        var lower = typed.toLowerCase();
        var starts = all.filter(function (iri) { return iri.indexOf(typed) === 0; });
        if (starts.length) { return starts; }
        return all.filter(function (iri) { return iri.toLowerCase().indexOf(lower) >= 0; });
      }).catch(function () { return []; });
    };
  }

  Yasqe.defaults.autocompleters = Yasqe.defaults.autocompleters.filter(function (name) {
    return name !== "property" && name !== "class";
  });
  ["property", "class"].forEach(function (kind) {
    if (!Yasqe.Autocompleters["local-" + kind]) {
      Yasqe.forkAutocompleter(kind, { name: "local-" + kind, get: localCompleter(kind) });
    }
  });

  var first = examples.length ? examples[0] : null;
  var yasgui = new Yasgui(root, {
    persistenceId: "modelgraph-query",
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    corsProxy: undefined,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: []
    },
    yasqe: {
      value: first ? first.sparql : "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
      prefixCcApi: null,
      collapsePrefixesOnLoad: true
    }
  });

  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = byName[button.dataset.example];
      if (!example) { return; }
      yasgui.addTab(true, {
        name: example.title,
        yasqe: { value: example.sparql },
        requestConfig: { endpoint: endpoint }
      }, { avoidDuplicateTabs: true });
    });
  });

  // Result IRIs of entities this service has pages for open those pages (the IRIs
  // themselves are identifiers, not necessarily resolvable on the web).
  var kinds = [
    [root.dataset.idBase + "model/", "/models/"],
    [root.dataset.idBase + "benchmark/", "/benchmarks/"],
    [root.dataset.sourceBase, "/sources/"]
  ];
  function localPage(iri) {
    for (var i = 0; i < kinds.length; i++) {
      var base = kinds[i][0];
      var rest = iri.slice(base.length);
      if (iri.indexOf(base) === 0 && rest && rest.indexOf("/") < 0 && rest.indexOf("#") < 0) {
        return root.dataset.pages + kinds[i][1] + encodeURIComponent(decodeURIComponent(rest));
      }
    }
    return null;
  }
  root.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".yasr a.iri");
    var local = link && localPage(link.getAttribute("href") || "");
    if (!local) { return; }
    event.preventDefault();
    window.open(local, link.target || "_self", "noopener");
  });

  window.modelgraphYasgui = yasgui;  // for the browser tests and the curious
})();
