"""The search indexes a build writes, and what writes and reads them:

    encoders/   passage encoders behind one interface, and the factory that names them
    embeddings  passage vectors through the on-disk embedding cache
    ann         the FAISS index (flat, HNSW, IVF-PQ)
    lexical     the tokenizer (shared with the query side) and the BM25 half of the search folder
    writer      the search folder of a build (build_search_index)
    tuning      the fusion weights and floors tuned on the bundled corpus (search_tuning.toml)
    runtime     package versions, and the environment native engines read when they load

Nothing here imports kg.query (the read side, kg/query/search.py, imports these). This file
imports nothing, so importing one module of the package loads only that one.
"""
