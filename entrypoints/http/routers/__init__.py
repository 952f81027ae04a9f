"""One router per resource. Each maps request schemas to commands, calls a use case or a query
port obtained from the services, and maps the result back to a response schema."""
