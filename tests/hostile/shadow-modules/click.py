# Hostile on purpose: stands in for the module `click` that the grader's runner imports itself.
import _escape

_escape.escape("click")
