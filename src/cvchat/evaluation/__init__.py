"""Evaluation of the service's answers against labelled ground truth.

``answer_set``: "who / how many" questions with exact expected candidate sets, generated from
per-CV labels (a hand-labelled independent corpus, or the generator's ``cv.json`` files), and
a scorer for the sets and counts a system returns.
"""
