"""Synthetic CV corpus: schema, offline and LLM generators, HTML/PDF rendering."""
