"""The read side: one object (KnowledgeGraph) the CLI, the Python API and the server call."""
