"""Evaluation harness for the 공고문 QA assistant: golden questions, metrics and reports (``python -m evals``)."""
