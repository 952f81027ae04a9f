"""One router per resource. Each route maps its request schema to a command, calls a use
case or a query port from `use_cases(request)`, and answers with `respond(result, Public)`."""
