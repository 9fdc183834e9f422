# Hostile on purpose: stands in for the module `resource` that the grader's runner imports itself.
import _escape

_escape.escape("resource")
